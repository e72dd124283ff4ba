/*
 * gen_values.c - deterministic data for the tracker benchmark
 * (bench/tracker-bench, bench/README.md "Tracker").
 *
 *   gen_values orgunits DIVISIONS.csv   > orgunits.csv
 *   gen_values plan DIVISIONS.csv YEAR  > plan.csv
 *   gen_values sql DIVISIONS.csv YEAR   > setup.sql
 *   gen_values values DIVISIONS.csv YEAR [MONTHS] > values.csv
 *   gen_values one DIVISIONS.csv YEAR VALUE > one.csv
 *
 * DIVISIONS.csv is code,name,level,parent_code (the shared Henan divisions:
 * province, 18 cities, counties, 2,586 townships). Villages are generated
 * under the townships: 44,500 in total, spread evenly (17 or 18 each), code
 * = township code + 3 digits, name "<n>村". The plan has 40 data elements
 * (de01..de40): de01..de36 are count indicators (sum), de37/de38 and
 * de39/de40 the numerators and denominators of two formula rates; targets
 * at the province (the sum of the cities') and every city. "plan" writes the
 * plan as a plan import file. "values" writes one value per village,
 * data element and month (44,500 x 40 x 12 = 21.36 million rows), village
 * by village, with the header stopping after value. "sql" writes the org
 * units and the plan as SQL for the tracker tables (used when the orgunit
 * and plan imports are not at hand). "one" writes a single value file for
 * the first village (de01, month 1), to time a small import.
 *
 * This is a benchmark tool, not part of minsheng: output is plain ASCII
 * except the Chinese names, numbers are integers, nothing is random (a hash
 * of the key gives each value).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VILLAGES 44500
#define DES 40

struct unit {
	char code[16];
	char name[64];
	char level[16];
	char parent[16];
};

static struct unit *units;
static size_t n_units;

static int load(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t cap = 0;

	if (!f) {
		perror(path);
		return 1;
	}
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *field[4];
		int i;

		line[strcspn(line, "\r\n")] = '\0';
		for (i = 0; i < 4; i++) {
			field[i] = p;
			p = strchr(p, ',');
			if (!p && i < 3)
				break;
			if (p)
				*p++ = '\0';
		}
		if (i < 3)
			continue;
		if (n_units == cap) {
			cap = cap ? cap * 2 : 4096;
			units = realloc(units, cap * sizeof(*units));
			if (!units)
				return 1;
		}
		snprintf(units[n_units].code, sizeof(units[0].code), "%.15s", field[0]);
		snprintf(units[n_units].name, sizeof(units[0].name), "%.63s", field[1]);
		snprintf(units[n_units].level, sizeof(units[0].level), "%.15s", field[2]);
		snprintf(units[n_units].parent, sizeof(units[0].parent), "%.15s",
			 field[3] ? field[3] : "");
		n_units++;
	}
	fclose(f);
	return 0;
}

static size_t n_townships(void)
{
	size_t i, n = 0;

	for (i = 0; i < n_units; i++)
		n += strcmp(units[i].level, "township") == 0;
	return n;
}

/* Villages of the t-th township (in file order). */
static int villages_of(size_t t, size_t nt)
{
	return (int)(VILLAGES / nt + (t < VILLAGES % nt));
}

static int level_no(const char *s)
{
	static const char *const names[] = {"province", "city", "county", "township", "village"};
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0)
			return i + 1;
	return 0;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static int cmd_orgunits(void)
{
	size_t i, t = 0, nt = n_townships();

	printf("code,name,level,parent_code\n");
	for (i = 0; i < n_units; i++)
		printf("%s,%s,%s,%s\n", units[i].code, units[i].name, units[i].level,
		       units[i].parent);
	for (i = 0; i < n_units; i++) {
		int v, nv;

		if (strcmp(units[i].level, "township") != 0)
			continue;
		nv = villages_of(t++, nt);
		for (v = 1; v <= nv; v++)
			printf("%s%03d,%d村,village,%s\n", units[i].code, v, v, units[i].code);
	}
	return 0;
}

/* The path of unit i from the root, computed by walking parents. */
static void unit_path(size_t i, char *out, size_t n)
{
	char chain[8][16];
	int depth = 0, d;
	size_t j = i, used = 0;

	while (depth < 8) {
		size_t k;

		snprintf(chain[depth++], 16, "%s", units[j].code);
		if (!units[j].parent[0])
			break;
		for (k = 0; k < n_units; k++)
			if (strcmp(units[k].code, units[j].parent) == 0)
				break;
		if (k == n_units)
			break;
		j = k;
	}
	out[0] = '\0';
	used = (size_t)snprintf(out, n, "/");
	for (d = depth - 1; d >= 0 && used < n; d--)
		used += (size_t)snprintf(out + used, n - used, "%s/", chain[d]);
}

static int cmd_sql(int year)
{
	size_t i, t = 0, nt = n_townships();
	int d, v;

	printf("BEGIN;\n");
	/* Units get ids 1.. in file order, villages after. */
	for (i = 0; i < n_units; i++) {
		char path[128];
		size_t k;
		long parent = 0;

		unit_path(i, path, sizeof(path));
		for (k = 0; k < n_units && units[i].parent[0]; k++)
			if (strcmp(units[k].code, units[i].parent) == 0) {
				parent = (long)k + 1;
				break;
			}
		printf("INSERT INTO orgunit(id, code, name, level, parent_id, path)"
		       " VALUES(%zu, '%s', '%s', %d, %s%.0ld, '%s');\n",
		       i + 1, units[i].code, units[i].name, level_no(units[i].level),
		       parent ? "" : "NULL", parent ? parent : 0L, path);
	}
	{
		long id = (long)n_units + 1;

		for (i = 0; i < n_units; i++) {
			char path[128];

			if (strcmp(units[i].level, "township") != 0)
				continue;
			unit_path(i, path, sizeof(path));
			v = villages_of(t++, nt);
			for (d = 1; d <= v; d++, id++)
				printf("INSERT INTO orgunit(id, code, name, level, parent_id, path)"
				       " VALUES(%ld, '%s%03d', '%d村', 5, %zu, '%s%s%03d/');\n",
				       id, units[i].code, d, d, i + 1, path, units[i].code, d);
		}
	}
	printf("INSERT INTO project(id, year, project_no, title) VALUES"
	       "(9001, %d, 1, '基准项目一'), (9002, %d, 2, '基准项目二');\n",
	       year, year);
	for (d = 1; d <= DES; d++)
		printf("INSERT INTO dataelement(id, code) VALUES(%d, 'de%02d');\n", 9000 + d, d);
	for (d = 1; d <= 36; d++)
		printf("INSERT INTO indicator(id, project_id, year, code, name, unit, kind,"
		       " comparator, aggregation, de_id, numerator_id, denominator_id, seq)"
		       " VALUES(%d, %d, %d, 'de%02d', '基准计数指标%d', '人次', 'count', '>=',"
		       " 'sum', %d, NULL, NULL, %d);\n",
		       9000 + d, d <= 18 ? 9001 : 9002, year, d, d, 9000 + d, d);
	printf("INSERT INTO dataelement(id, code) VALUES(9101, 'rate1'), (9102, 'rate2');\n");
	for (d = 0; d < 2; d++)
		printf("INSERT INTO indicator(id, project_id, year, code, name, unit, kind,"
		       " comparator, aggregation, de_id, numerator_id, denominator_id, seq)"
		       " VALUES(%d, 9002, %d, 'rate%d', '基准比率指标%d', '%%', 'rate', '>=',"
		       " 'sum', %d, %d, %d, %d);\n",
		       9101 + d, year, d + 1, d + 1, 9101 + d, 9037 + 2 * d, 9038 + 2 * d, 37 + d);
	/* Targets at the province and the cities. */
	for (i = 0; i < n_units; i++) {
		int lv = level_no(units[i].level);

		if (lv > 2)
			continue;
		for (d = 1; d <= 36; d++)
			printf("INSERT INTO target(indicator_id, orgunit_id, value)"
			       " VALUES(%d, %zu, '%d');\n",
			       9000 + d, i + 1, lv == 1 ? 120000000 : 6000000);
		for (d = 0; d < 2; d++)
			printf("INSERT INTO target(indicator_id, orgunit_id, value)"
			       " VALUES(%d, %zu, '%s');\n",
			       9101 + d, i + 1, d ? "62.5" : "48");
	}
	printf("COMMIT;\n");
	return 0;
}

/* The same plan as a plan import file (docs of plan import). */
static int cmd_plan(int year)
{
	size_t i;
	int d;

	printf("year,project_no,project_title,indicator,indicator_name,unit,kind,"
	       "comparator,target,orgunit,aggregation,numerator,denominator\n");
	for (d = 1; d <= 38; d++) {
		for (i = 0; i < n_units; i++) {
			int lv = level_no(units[i].level);

			if (lv > 2)
				continue;
			if (d <= 36)
				printf("%d,%d,基准项目%s,de%02d,基准计数指标%d,人次,count,>=,%d,%s,"
				       "sum,,\n",
				       year, d <= 18 ? 1 : 2, d <= 18 ? "一" : "二", d, d,
				       lv == 1 ? 7000000 * 18 : 7000000, units[i].code);
			else
				printf("%d,2,基准项目二,rate%d,基准比率指标%d,%%,rate,>=,%s,%s,sum,"
				       "de%02d,de%02d\n",
				       year, d - 36, d - 36, d == 37 ? "48" : "62.5", units[i].code,
				       37 + 2 * (d - 37), 38 + 2 * (d - 37));
		}
	}
	return 0;
}

/* Write n as decimal digits at p; returns the length. */
static size_t utoa(char *p, uint64_t n)
{
	char tmp[24];
	size_t k = 0, i;

	do {
		tmp[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	for (i = 0; i < k; i++)
		p[i] = tmp[k - 1 - i];
	return k;
}

static int cmd_values(int year, int months)
{
	static char out[1 << 20];
	size_t i, used = 0, t = 0, nt = n_townships();
	int v, m, d, nv;

	fputs("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n",
	      stdout);
	for (i = 0; i < n_units; i++) {
		if (strcmp(units[i].level, "township") != 0)
			continue;
		nv = villages_of(t++, nt);
		for (v = 1; v <= nv; v++) {
			char ou[24];
			size_t oul = (size_t)snprintf(ou, sizeof(ou), "%s%03d", units[i].code, v);

			for (m = 1; m <= months; m++) {
				for (d = 1; d <= DES; d++) {
					uint64_t h = mix(((uint64_t)t << 32) ^ ((uint64_t)v << 16) ^
							 ((uint64_t)m << 8) ^ (uint64_t)d);
					uint64_t val;
					char *p;

					if (used > sizeof(out) - 128) {
						fwrite(out, 1, used, stdout);
						used = 0;
					}
					/* denominators 20..39, numerators below them */
					if (d == 38 || d == 40)
						val = 20 + h % 20;
					else if (d == 37 || d == 39)
						val = h % 20;
					else
						val = h % 500;
					p = out + used;
					*p++ = 'd';
					*p++ = 'e';
					*p++ = (char)('0' + d / 10);
					*p++ = (char)('0' + d % 10);
					*p++ = ',';
					p += utoa(p, (uint64_t)year);
					*p++ = (char)('0' + m / 10);
					*p++ = (char)('0' + m % 10);
					*p++ = ',';
					memcpy(p, ou, oul);
					p += oul;
					*p++ = ',';
					*p++ = ',';
					*p++ = ',';
					p += utoa(p, val);
					*p++ = '\n';
					used = (size_t)(p - out);
				}
			}
		}
	}
	fwrite(out, 1, used, stdout);
	return fflush(stdout) != 0;
}

static int cmd_one(int year, const char *value)
{
	size_t i;

	for (i = 0; i < n_units; i++)
		if (strcmp(units[i].level, "township") == 0)
			break;
	if (i == n_units)
		return 1;
	printf("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n");
	printf("de01,%d01,%s001,,,%s\n", year, units[i].code, value);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: gen_values orgunits|plan|sql|values|one DIVISIONS.csv "
				"[YEAR [MONTHS|VALUE]]\n");
		return 2;
	}
	if (load(argv[2]))
		return 1;
	if (strcmp(argv[1], "orgunits") == 0)
		return cmd_orgunits();
	if (argc < 4)
		return 2;
	if (strcmp(argv[1], "plan") == 0)
		return cmd_plan((int)strtol(argv[3], NULL, 10));
	if (strcmp(argv[1], "sql") == 0)
		return cmd_sql((int)strtol(argv[3], NULL, 10));
	if (strcmp(argv[1], "values") == 0)
		return cmd_values((int)strtol(argv[3], NULL, 10),
				  argc > 4 ? (int)strtol(argv[4], NULL, 10) : 12);
	if (strcmp(argv[1], "one") == 0 && argc > 4)
		return cmd_one((int)strtol(argv[3], NULL, 10), argv[4]);
	return 2;
}
