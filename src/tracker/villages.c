/*
 * villages.c - deterministic synthetic villages under the real townships.
 *
 * The NBS division list stops at townships; village-level figures (the
 * courier-station coverage over all villages) need a realistic village
 * layer. Everything here derives from a 64-bit FNV-1a hash of the township
 * code, so the same townships always give the same villages, names and
 * courier flags, on every machine. The villages are synthetic: docs/data.md
 * says so and says how they are made.
 */
#include "tracker/defaults.h"

#include "base/error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_PER_TOWNSHIP 3
#define MAX_PER_TOWNSHIP 35
#define NAME_BYTES 64

static uint64_t fnv1a(const char *s, uint64_t salt)
{
	uint64_t h = 1469598103934665603ULL ^ salt;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	/* Final avalanche (splitmix64) so low bits are usable directly. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static uint64_t mix(uint64_t h, uint64_t k)
{
	h ^= k + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return h;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static const char *const prefixes[] = {"东", "西", "南", "北", "前", "后", "大",
				       "小", "上", "下", "新", "老", "中"};
static const char *const cores[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱",
    "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
    "邓", "曹", "彭", "田", "董", "袁", "潘", "于", "蒋", "蔡", "杜", "程", "苏", "魏",
    "吕", "丁", "任", "姚", "卢", "崔", "范", "石", "贾", "付", "方", "白", "孟", "秦",
    "薛", "闫", "段", "侯", "史", "毛", "郝", "邵", "钱", "武", "孔", "柳", "槐", "桑",
    "枣", "杏", "桃", "梨", "榆", "柏", "松", "沙", "泉", "清", "龙", "凤", "金", "银"};
static const char *const places[] = {"庄", "营", "楼", "寨", "店", "岗", "湾", "河", "沟", "集",
				     "屯", "坡", "园", "桥", "岭", "堂", "铺", "洼", "寺", "口",
				     "台", "坪", "窑", "湖", "林", "滩", "庙", "阁", "庵", "村"};
static const char *const words[] = {"和平", "建设", "文化", "人民", "解放", "光明", "胜利", "新华",
				    "东风", "朝阳", "花园", "健康", "民主", "幸福", "团结", "工农",
				    "友谊", "青年", "长春", "兴隆", "锦绣", "振兴", "康乐", "春晖",
				    "紫荆", "丰收", "育才", "翠竹", "福安", "平安", "安居", "嘉禾"};
static const char *const tails[] = {"", "路", "街", "里", "苑", "园", "东", "西", "南", "北"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void make_name(uint64_t h, bool community, char *out, size_t n)
{
	if (community) {
		snprintf(out, n, "%s%s社区", words[h % COUNT(words)],
			 tails[(h >> 8) % COUNT(tails)]);
		return;
	}
	if ((h >> 16) % 10 < 4)
		snprintf(out, n, "%s%s%s村", prefixes[(h >> 24) % COUNT(prefixes)],
			 cores[h % COUNT(cores)], places[(h >> 8) % COUNT(places)]);
	else
		snprintf(out, n, "%s%s村", cores[h % COUNT(cores)],
			 places[(h >> 8) % COUNT(places)]);
}

/* Courier ranking: villages sorted by a hash, the first k get a station. */
struct rank {
	uint64_t key;
	size_t index;
};

static int cmp_rank(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

void villages_free(struct villages *v)
{
	if (!v)
		return;
	free(v->rows);
	free(v->courier);
	free(v->strings);
	memset(v, 0, sizeof(*v));
}

int villages_generate(const struct village_parent *t, size_t n, struct villages *out,
		      struct error *err)
{
	int *count = NULL, *communities = NULL;
	struct rank *rank = NULL;
	size_t i, k, total = 0, want, stations, pos = 0;
	long long diff;
	char *s;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return 0;
	count = calloc(n, sizeof(*count));
	communities = calloc(n, sizeof(*communities));
	if (!count || !communities)
		goto nomem;

	/* Counts: fewer under streets, a triangular spread elsewhere. */
	for (i = 0; i < n; i++) {
		uint64_t h = fnv1a(t[i].code, 1);
		bool street = ends_with(t[i].name, "街道");

		if (street) {
			count[i] = 3 + (int)(h % 8);
			communities[i] = count[i];
		} else {
			count[i] = 8 + (int)(h % 12) + (int)((h >> 20) % 13);
			communities[i] = ends_with(t[i].name, "镇") ? (int)((h >> 40) % 3) : 0;
		}
		total += (size_t)count[i];
	}
	/* Bring the total to ~17.2 per township (exactly 44,500 for Henan's
	 * 2,586): add or take one at a time, walking the townships in a
	 * hash-determined order, never passing the bounds. */
	want = (n * VILLAGES_TOTAL + 2586 / 2) / 2586;
	diff = (long long)want - (long long)total;
	for (k = 0; diff != 0 && k < 64; k++) {
		for (i = 0; i < n && diff != 0; i++) {
			size_t j = (size_t)(mix(k, i) % n);

			if (ends_with(t[j].name, "街道"))
				continue;
			if (diff > 0 && count[j] < MAX_PER_TOWNSHIP) {
				count[j]++;
				diff--;
			} else if (diff < 0 && count[j] > MIN_PER_TOWNSHIP &&
				   count[j] > communities[j]) {
				count[j]--;
				diff++;
			}
		}
	}
	total = (size_t)((long long)want - diff);

	out->rows = calloc(total, sizeof(*out->rows));
	out->courier = calloc(total, sizeof(*out->courier));
	out->strings = malloc(total * (13 + NAME_BYTES));
	rank = malloc(total * sizeof(*rank));
	if (!out->rows || !out->courier || !out->strings || !rank)
		goto nomem;
	s = out->strings;
	for (i = 0; i < n; i++) {
		size_t first = pos;
		int c;

		for (c = 0; c < count[i]; c++) {
			bool community = c < communities[i];
			int number = community ? 1 + c : 200 + (c - communities[i]);
			char *code = s, *name = s + 13;
			uint64_t attempt;

			snprintf(code, 13, "%.9s%03u", t[i].code, (unsigned)number % 1000u);
			/* Names unique within the township: retry with the next hash. */
			for (attempt = 0;; attempt++) {
				size_t m;
				bool dup = false;

				make_name(mix(fnv1a(code, 2), attempt), community, name,
					  NAME_BYTES);
				for (m = first; m < pos && !dup; m++)
					dup = strcmp(out->rows[m].name, name) == 0;
				if (!dup || attempt > 1000)
					break;
			}
			out->rows[pos].code = code;
			out->rows[pos].name = name;
			out->rows[pos].level = ORGUNIT_VILLAGE;
			out->rows[pos].parent = t[i].code;
			out->rows[pos].line = 0;
			rank[pos].key = fnv1a(code, 3);
			rank[pos].index = pos;
			pos++;
			s += 13 + NAME_BYTES;
		}
	}
	out->n = pos;
	stations = (pos * VILLAGES_WITH_COURIER + VILLAGES_TOTAL / 2) / VILLAGES_TOTAL;
	qsort(rank, pos, sizeof(*rank), cmp_rank);
	for (i = 0; i < stations && i < pos; i++)
		out->courier[rank[i].index] = true;
	goto out;
nomem:
	ret = error_set(err, ERR_NOMEM, "内存不足");
	villages_free(out);
out:
	free(count);
	free(communities);
	free(rank);
	return ret;
}
