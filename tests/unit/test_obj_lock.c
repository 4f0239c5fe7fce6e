/* test_obj_lock.c — obj_lock_blocks_delete: legal hold, COMPLIANCE, GOVERNANCE with and
 * without bypass, expiry at the retain-until instant, delete markers, unknown modes; and
 * obj_lock_blocks_retention_change: extend, shorten, remove, change mode. */
#include "harness.h"

#include "object/obj_lock.h"

static struct meta_object lock_obj(const char *mode, int64_t until, int hold)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    snprintf(o.lock_mode, sizeof(o.lock_mode), "%s", mode);
    o.lock_until_ms = until;
    o.legal_hold = hold;
    return o;
}

TEST(obj_lock_none_is_free)
{
    struct meta_object o = lock_obj("", 0, 0);
    CHECK(obj_lock_blocks_delete(&o, 0, 1000) == OBJ_LOCK_FREE);
}

TEST(obj_lock_legal_hold_blocks_even_with_bypass)
{
    struct meta_object o = lock_obj("", 0, META_LEGAL_HOLD_ON);
    CHECK(obj_lock_blocks_delete(&o, 1, 1000) == OBJ_LOCK_LEGAL_HOLD);
    o = lock_obj("GOVERNANCE", 500, META_LEGAL_HOLD_ON);
    CHECK(obj_lock_blocks_delete(&o, 1, 1000) == OBJ_LOCK_LEGAL_HOLD);
}

TEST(obj_lock_compliance_blocks_until_date)
{
    struct meta_object o = lock_obj("COMPLIANCE", 2000, 0);
    CHECK(obj_lock_blocks_delete(&o, 1, 1999) == OBJ_LOCK_COMPLIANCE);
    CHECK(obj_lock_blocks_delete(&o, 0, 2000) == OBJ_LOCK_FREE);
    CHECK(obj_lock_blocks_delete(&o, 0, 2001) == OBJ_LOCK_FREE);
}

TEST(obj_lock_governance_bypass)
{
    struct meta_object o = lock_obj("GOVERNANCE", 2000, 0);
    CHECK(obj_lock_blocks_delete(&o, 0, 1000) == OBJ_LOCK_GOVERNANCE);
    CHECK(obj_lock_blocks_delete(&o, 1, 1000) == OBJ_LOCK_FREE);
    CHECK(obj_lock_blocks_delete(&o, 0, 3000) == OBJ_LOCK_FREE);
}

TEST(obj_lock_unknown_mode_fails_closed)
{
    struct meta_object o = lock_obj("BOGUS", 2000, 0);
    CHECK(obj_lock_blocks_delete(&o, 1, 1000) == OBJ_LOCK_COMPLIANCE);
}

TEST(obj_lock_delete_marker_is_free)
{
    struct meta_object o = lock_obj("COMPLIANCE", 2000, META_LEGAL_HOLD_ON);
    o.is_delete_marker = 1;
    CHECK(obj_lock_blocks_delete(&o, 0, 1000) == OBJ_LOCK_FREE);
}

TEST(obj_lock_legal_hold_off_is_free)
{
    struct meta_object o = lock_obj("", 0, META_LEGAL_HOLD_OFF);
    CHECK(obj_lock_blocks_delete(&o, 0, 1000) == OBJ_LOCK_FREE);
}

TEST(obj_lock_retention_change_governance)
{
    struct meta_object o = lock_obj("GOVERNANCE", 2000, 0);
    CHECK(obj_lock_blocks_retention_change(&o, "GOVERNANCE", 3000, 0, 1000) == OBJ_LOCK_FREE);
    CHECK(obj_lock_blocks_retention_change(&o, "GOVERNANCE", 2000, 0, 1000) == OBJ_LOCK_FREE);
    CHECK(obj_lock_blocks_retention_change(&o, "GOVERNANCE", 1500, 0, 1000) == OBJ_LOCK_GOVERNANCE);
    CHECK(obj_lock_blocks_retention_change(&o, "GOVERNANCE", 1500, 1, 1000) == OBJ_LOCK_FREE);
    CHECK(obj_lock_blocks_retention_change(&o, "", 0, 0, 1000) == OBJ_LOCK_GOVERNANCE);
    CHECK(obj_lock_blocks_retention_change(&o, "", 0, 1, 1000) == OBJ_LOCK_FREE);
    CHECK(obj_lock_blocks_retention_change(&o, "COMPLIANCE", 3000, 0, 1000) == OBJ_LOCK_GOVERNANCE);
    CHECK(obj_lock_blocks_retention_change(&o, "COMPLIANCE", 3000, 1, 1000) == OBJ_LOCK_FREE);
    /* expired: anything goes */
    CHECK(obj_lock_blocks_retention_change(&o, "", 0, 0, 2000) == OBJ_LOCK_FREE);
}

TEST(obj_lock_retention_change_compliance)
{
    struct meta_object o = lock_obj("COMPLIANCE", 2000, 0);
    CHECK(obj_lock_blocks_retention_change(&o, "COMPLIANCE", 2500, 0, 1000) == OBJ_LOCK_FREE);
    CHECK(obj_lock_blocks_retention_change(&o, "COMPLIANCE", 1500, 1, 1000) == OBJ_LOCK_COMPLIANCE);
    CHECK(obj_lock_blocks_retention_change(&o, "GOVERNANCE", 2500, 1, 1000) == OBJ_LOCK_COMPLIANCE);
    CHECK(obj_lock_blocks_retention_change(&o, "", 0, 1, 1000) == OBJ_LOCK_COMPLIANCE);
    CHECK(obj_lock_blocks_retention_change(&o, "GOVERNANCE", 2500, 0, 2001) == OBJ_LOCK_FREE);
}
