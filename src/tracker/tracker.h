/*
 * tracker.h - the 民生实事 tracker: org units, plans, data values, roll-up,
 * progress, colours and bulletins.
 */
#ifndef MINSHENG_TRACKER_TRACKER_H
#define MINSHENG_TRACKER_TRACKER_H

struct db;
struct error;

/* Create or upgrade the tracker's tables (module "tracker"). */
int tracker_migrate(struct db *db, struct error *err);

#endif
