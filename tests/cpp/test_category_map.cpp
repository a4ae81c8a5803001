// OpenStreetMap tag mappings to categories (core/category_map.hpp): data, validated like a scenario.
#include <string>
#include <vector>

#include "catch.hpp"
#include "core/category_map.hpp"
#include "core/error.hpp"

using lc_test::Contains;
using lifecircle::CategoryMap;

TEST_CASE("category mappings are validated", "[category_map][errors]") {
    CHECK_THROWS_WITH(CategoryMap::parse("[a]\ntags = [\"shop\"]\n", "m.toml"),
                      Contains("m.toml:2") && Contains("key=value"));
    CHECK_THROWS_WITH(CategoryMap::parse("[a]\nlabel = \"x\"\n", "m.toml"), Contains("missing key 'tags'"));
    CHECK_THROWS_WITH(CategoryMap::parse("[a]\ntags = [\"shop=x\"]\ncolour = 1\n", "m.toml"),
                      Contains("m.toml:3") && Contains("unknown key"));
    CHECK_THROWS_WITH(CategoryMap::parse("[a\n", "m.toml"), Contains("m.toml:1") && Contains("invalid TOML"));
    CHECK_THROWS_WITH(CategoryMap::parse("a = 3\n", "m.toml"), Contains("must be a table"));
    const auto map = CategoryMap::parse("[x]\ntags = [\"shop=*\"]\n", "m.toml");
    CHECK(map.match([](const char* k) -> const char* { return std::string(k) == "shop" ? "kiosk" : nullptr; }) ==
          std::vector<int>{0});
}

TEST_CASE("the built-in mapping knows the categories the reach benchmark uses", "[category_map]") {
    const auto map = CategoryMap::builtin();
    for (const char* name : {"grocery", "food", "transit"}) CHECK(map.find(name) >= 0);
    CHECK(map.find("no such category") < 0);
}
