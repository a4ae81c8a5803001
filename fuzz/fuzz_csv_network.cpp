// Fuzz harness: the CSV network reader (core/csv_reader.cpp, WalkNetwork::from_csv). The
// input is a nodes file and an edges file, split at the first NUL byte.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "core/error.hpp"
#include "core/walk_network.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto* split = std::find(data, data + size, std::uint8_t{0});
    const std::size_t first = static_cast<std::size_t>(split - data);
    const lifecircle::fuzz::InputFile nodes(data, first, ".nodes.csv");
    const lifecircle::fuzz::InputFile edges(split + (first < size ? 1 : 0), size - first - (first < size ? 1 : 0),
                                            ".edges.csv");
    try {
        const auto net = lifecircle::WalkNetwork::from_csv(nodes.path(), edges.path());
        (void)net.total_length();
    } catch (const lifecircle::InputError&) {
    }
    return 0;
}
