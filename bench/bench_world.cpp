// World-building benchmark: the built-in Yunfu scenario (or a given one), best of 5.
//   bench_world [CONFIG]
// Prints one JSON line per measurement.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "models/world_builder.hpp"

int main(int argc, char** argv) {
    using Clock = std::chrono::steady_clock;
    const lifecircle::Scenario sc = argc > 1 ? lifecircle::load_scenario(argv[1]) : lifecircle::builtin_yunfu();
    double best = 1e300, best_summary = 1e300;
    std::size_t residents = 0, nodes = 0, facilities = 0;
    for (int run = 0; run < 5; ++run) {
        auto t0 = Clock::now();
        const auto world = lifecircle::build_world(sc);
        best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
        t0 = Clock::now();
        const auto summary = lifecircle::summarise_world(world);
        best_summary = std::min(best_summary, std::chrono::duration<double>(Clock::now() - t0).count());
        residents = world.residents.size();
        nodes = world.network.num_nodes();
        facilities = world.facilities.size();
    }
    std::printf(
        "{\"bench\": \"world_build\", \"scenario\": \"%s\", \"n\": %zu, \"nodes\": %zu, "
        "\"facilities\": %zu, \"seconds\": %.4f, \"per_second\": %.0f, "
        "\"bytes_per_resident\": %zu, \"goal_seconds\": 10}\n",
        sc.path.c_str(), residents, nodes, facilities, best, static_cast<double>(residents) / best,
        lifecircle::Residents::bytes_per_resident());
    std::printf("{\"bench\": \"world_summary\", \"scenario\": \"%s\", \"n\": %zu, \"seconds\": %.4f}\n",
                sc.path.c_str(), residents, best_summary);
    return 0;
}
