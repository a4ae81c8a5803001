// Fuzz harness: the scenario reader and validator (core/scenario.cpp). Any input must give a
// Scenario or a ConfigError listing its problems; nothing else.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "core/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto sc = lifecircle::parse_scenario(text, "fuzz.toml");
        (void)sc.total_population();
    } catch (const lifecircle::InputError&) {  // ConfigError is an InputError
    }
    return 0;
}
