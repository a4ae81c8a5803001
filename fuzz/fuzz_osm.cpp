// Fuzz harness: the OpenStreetMap importer (core/osm_import.cpp), PBF and XML: an input that
// starts with '<' is read as XML, any other as PBF.
#include <cstddef>
#include <cstdint>

#include "core/category_map.hpp"
#include "core/error.hpp"
#include "core/osm_import.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto map = lifecircle::CategoryMap::builtin();
    const bool xml = size > 0 && data[0] == '<';
    const lifecircle::fuzz::InputFile file(data, size, xml ? ".osm" : ".osm.pbf");
    try {
        const auto city = lifecircle::import_osm(file.path(), map);
        (void)city.network.num_nodes();
    } catch (const lifecircle::InputError&) {
    }
    return 0;
}
