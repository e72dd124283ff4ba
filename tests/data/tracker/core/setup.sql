-- A small tree and a 2023 plan for the report tests (tests/cli/t1*.sh).
-- Inserted with SQL so the core tests do not depend on orgunit/plan import.
INSERT INTO orgunit(id, code, name, level, parent_id, path) VALUES
 (1, '41', '河南省', 1, NULL, '/41/'),
 (2, '4101', '郑州市', 2, 1, '/41/4101/'),
 (3, '4102', '开封市', 2, 1, '/41/4102/'),
 (4, '4103', '洛阳市', 2, 1, '/41/4103/'),
 (5, '410102', '中原区', 3, 2, '/41/4101/410102/'),
 (6, '410103', '二七区', 3, 2, '/41/4101/410103/'),
 (7, '410202', '龙亭区', 3, 3, '/41/4102/410202/'),
 (8, '410302', '老城区', 3, 4, '/41/4103/410302/'),
 (9, '410102001', '林山寨街道', 4, 5, '/41/4101/410102/410102001/'),
 (10, '410102002', '建设路街道', 4, 5, '/41/4101/410102/410102002/'),
 (11, '410102001001', '一村', 5, 9, '/41/4101/410102/410102001/410102001001/'),
 (12, '410102001002', '二村', 5, 9, '/41/4101/410102/410102001/410102001002/');
INSERT INTO project(id, year, project_no, title) VALUES
 (1, 2023, 1, '稳定和扩大就业'),
 (2, 2023, 2, '提升群众健康水平'),
 (3, 2023, 3, '完善农村寄递物流');
INSERT INTO dataelement(id, code) VALUES
 (1, 'skill_training'), (2, 'new_jobs'), (3, 'screening_rate'),
 (4, 'courier_rate'), (5, 'villages_with_courier'), (6, 'villages_total'),
 (7, 'unemployment');
INSERT INTO indicator(id, project_id, year, code, name, unit, kind, comparator,
 aggregation, de_id, numerator_id, denominator_id, seq) VALUES
 (1, 1, 2023, 'skill_training', '职业技能培训', '人次', 'count', '>=', 'sum', 1, NULL, NULL, 1),
 (2, 1, 2023, 'new_jobs', '城镇新增就业', '人', 'count', '>=', 'sum', 2, NULL, NULL, 2),
 (3, 1, 2023, 'unemployment', '城镇调查失业率', '%', 'rate', '<=', 'last', 7, NULL, NULL, 3),
 (4, 2, 2023, 'screening_rate', '新生儿两病筛查率', '%', 'rate', '>=', 'last', 3, NULL, NULL, 1),
 (5, 3, 2023, 'courier_rate', '行政村寄递物流服务站覆盖率', '%', 'rate', '>=', 'last', 4, 5, 6, 1);
INSERT INTO target(indicator_id, orgunit_id, value) VALUES
 (1, 1, '3000000'), (1, 2, '1200000'), (1, 3, '1000000'), (1, 4, '800000'),
 (2, 1, '1000000'),
 (3, 1, '5.5'),
 (4, 1, '95'), (4, 2, '95'),
 (5, 1, '75'), (5, 2, '80'), (5, 3, '70');
