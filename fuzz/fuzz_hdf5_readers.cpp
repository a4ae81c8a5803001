// Fuzz harness: the readers of the project's HDF5 files: city files (core/city_file.cpp)
// and checkpoints (sim/checkpoint.cpp, which reads the results schema's record columns too).
#include <cstddef>
#include <cstdint>

#include "core/city_file.hpp"
#include "core/error.hpp"
#include "fuzz/fuzz_input.hpp"
#include "sim/checkpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const lifecircle::fuzz::InputFile file(data, size, ".h5");
    try {
        const auto city = lifecircle::read_city(file.path());
        (void)city.network.num_nodes();
    } catch (const lifecircle::InputError&) {
    }
    try {
        const auto info = lifecircle::read_checkpoint_info(file.path());
        const auto sc = lifecircle::parse_scenario(info.scenario_text, info.scenario_path);
        (void)lifecircle::read_checkpoint(file.path(), sc);
    } catch (const lifecircle::InputError&) {
    }
    return 0;
}
