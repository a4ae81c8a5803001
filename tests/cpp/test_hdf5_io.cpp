// HDF5 files (core/hdf5_io.hpp): typed columns and attributes round-trip; a failed write
// leaves nothing behind; a file that is not HDF5 gives an InputError naming it.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "core/error.hpp"
#include "core/hdf5_io.hpp"
#include "fixtures.hpp"

using lc_test::Contains;
using lifecircle::H5File;
using lifecircle::test::TempDir;

TEST_CASE("columns of every stored type, strings and attributes round-trip", "[hdf5_io]") {
    TempDir dir;
    const auto path = dir.file("t.h5");
    {
        auto f = H5File::create(path);
        f.create_group("g");
        f.write<double>("g/d", std::vector<double>{0.1, -2.5e300});
        f.write<std::int64_t>("g/i64", std::vector<std::int64_t>{-(std::int64_t{1} << 62), 7});
        f.write<std::uint16_t>("g/u16", std::vector<std::uint16_t>{0, 65535});
        f.write<std::uint8_t>("g/u8", std::vector<std::uint8_t>{});
        struct Row {
            std::int32_t a;
        };
        f.write_column("g/rows", std::vector<Row>{{3}, {4}}, &Row::a);
        f.write_strings("g/s", {"云浮", ""});
        f.set_attr("x", 2.5);
        f.set_attr("name", std::string("罗定"));
        f.close();
    }
    const auto f = H5File::open(path);
    CHECK(f.exists("g/d"));
    CHECK_FALSE(f.exists("g/none"));
    CHECK(f.read<double>("g/d") == std::vector<double>{0.1, -2.5e300});
    CHECK(f.read<std::int64_t>("g/i64") == std::vector<std::int64_t>{-(std::int64_t{1} << 62), 7});
    CHECK(f.read<std::uint16_t>("g/u16") == std::vector<std::uint16_t>{0, 65535});
    CHECK(f.read<std::uint8_t>("g/u8").empty());
    CHECK(f.read<std::int32_t>("g/rows") == std::vector<std::int32_t>{3, 4});
    CHECK(f.read_strings("g/s") == std::vector<std::string>{"云浮", ""});
    CHECK(f.attr_double("x") == 2.5);
    CHECK(f.attr_string("name") == "罗定");
}

TEST_CASE("a write that fails part-way leaves no file at the path", "[hdf5_io][errors]") {
    TempDir dir;
    const auto path = dir.file("out.h5");
    CHECK_THROWS_AS(lifecircle::write_atomically(path,
                                                 [](const std::string& tmp) {
                                                     auto f = H5File::create(tmp);
                                                     f.write<double>("x", std::vector<double>{1.0});
                                                     throw std::runtime_error("disk full");
                                                 }),
                    std::runtime_error);
    CHECK_FALSE(std::filesystem::exists(path));
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) FAIL("left behind: " << e.path());
}

TEST_CASE("a file that is not HDF5 gives an InputError naming it", "[hdf5_io][errors]") {
    TempDir dir;
    CHECK_THROWS_WITH(H5File::open(dir.file("text.h5", "not hdf5\n")), Contains("text.h5"));
    CHECK_THROWS_AS(H5File::open(dir.file("absent.h5")), lifecircle::InputError);
}
