/*
 * tracker.h - the 民生实事 tracker: org units, plans, data values, roll-up,
 * progress, colours and bulletins.
 */
#ifndef MINSHENG_TRACKER_TRACKER_H
#define MINSHENG_TRACKER_TRACKER_H

#include <stdbool.h>
#include <stddef.h>

struct db;
struct error;

/* Create or upgrade the tracker's tables (module "tracker"). */
int tracker_migrate(struct db *db, struct error *err);

/*
 * Field checks shared by the importers. A code is 1..max characters of
 * ASCII letters, digits, '_', '.' and '-'; a text (a name, a title, a unit)
 * is 1..max bytes without control characters.
 */
bool tracker_code_valid(const char *s, size_t max);
bool tracker_text_valid(const char *s, size_t max);

#endif
