// CSV tables (core/csv_reader.hpp): every error names the file, the line and the column.
#include <string>
#include <vector>

#include "catch.hpp"
#include "core/csv_reader.hpp"
#include "core/error.hpp"
#include "fixtures.hpp"

using lc_test::Contains;
using lifecircle::CsvTable;
using lifecircle::test::TempDir;

TEST_CASE("columns are read by name, and blank lines, spaces and CRLF are skipped", "[csv_reader]") {
    TempDir dir;
    const auto path = dir.file("t.csv", "name, n ,x\r\na,1,0.5\r\n\r\n b ,-2,1e3\r\nc,3,\r\n");
    CHECK_THROWS_WITH(CsvTable::read(path, {"name", "n", "x"}).double_column("x"),
                      Contains("t.csv:5") && Contains("column 'x'") && Contains("expected a number"));
    const auto ok = dir.file("ok.csv", "name, n ,x\r\na,1,0.5\r\n\r\n b ,-2,1e3\r\n");
    const auto t = CsvTable::read(ok, {"n"});
    REQUIRE(t.rows() == 2);
    CHECK(t.line_of(1) == 4);  // the blank line counts
    CHECK(t.string_column("name") == std::vector<std::string>{"a", "b"});
    CHECK(t.int_column("n") == std::vector<std::int64_t>{1, -2});
    CHECK(t.double_column("x") == std::vector<double>{0.5, 1000.0});
    CHECK(t.has_column("x"));
    CHECK_FALSE(t.has_column("y"));
}

TEST_CASE("bad CSV files give an InputError naming file, line and what was expected", "[csv_reader][errors]") {
    TempDir dir;
    CHECK_THROWS_WITH(CsvTable::read(dir.file("absent.csv"), {}), Contains("absent.csv") && Contains("cannot open"));
    CHECK_THROWS_WITH(CsvTable::read(dir.file("empty.csv", "\n"), {"a"}), Contains("empty.csv"));
    CHECK_THROWS_WITH(CsvTable::read(dir.file("cols.csv", "a,b\n1,2\n"), {"a", "c"}),
                      Contains("cols.csv:1") && Contains("missing column 'c'"));
    CHECK_THROWS_WITH(CsvTable::read(dir.file("ragged.csv", "a,b\n1,2\n3\n"), {"a"}),
                      Contains("ragged.csv:3") && Contains("1 fields; expected 2"));
    const auto t = CsvTable::read(dir.file("int.csv", "a\n1\n2.5\n"), {"a"});
    CHECK_THROWS_WITH(t.int_column("a"), Contains("int.csv:3") && Contains("expected an integer"));
    CHECK_THROWS_AS(t.int_column("b"), lifecircle::InputError);
}
