// Reach-table benchmark on a synthetic grid city: prints one JSON line per measurement.
//   bench_reach [side=1000] [categories=10] [facilities_per_category=2000] [k=8] [max_m=1200]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include "core/reach_table.hpp"
#include "models/grid_city.hpp"

namespace {

double peak_rss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
    auto arg = [&](int i, double fallback) { return argc > i ? std::atof(argv[i]) : fallback; };
    lifecircle::GridCityOptions o;
    o.nx = o.ny = static_cast<std::uint32_t>(arg(1, 1000));
    o.categories = static_cast<std::uint32_t>(arg(2, 10));
    o.facilities_per_category = static_cast<std::uint32_t>(arg(3, 2000));
    const int k = static_cast<int>(arg(4, 8));
    const double max_d = arg(5, 1200);
    using Clock = std::chrono::steady_clock;
    auto t0 = Clock::now();
    const auto city = lifecircle::make_grid_city(o);
    const double build_s = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("{\"bench\": \"grid_city_build\", \"n\": %zu, \"seconds\": %.3f}\n", city.network.num_nodes(), build_s);
    const int cores = tbb::info::default_concurrency();
    double one_thread = 0;
    for (int threads = 1; threads <= cores; ++threads) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        t0 = Clock::now();
        const auto tables = lifecircle::build_reach_tables(city.network, city.facility_nodes, k, max_d);
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        if (threads == 1) one_thread = s;
        std::size_t filled = 0;
        for (const auto& t : tables)
            for (auto f : t.facilities()) filled += f >= 0;
        std::printf(
            "{\"bench\": \"reach_tables\", \"n\": %zu, \"edges\": %zu, \"categories\": %u, "
            "\"facilities\": %u, \"k\": %d, \"max_m\": %.0f, \"threads\": %d, "
            "\"seconds\": %.3f, \"per_second\": %.0f, \"speedup_vs_1_thread\": %.2f, "
            "\"entries_filled\": %zu, \"peak_rss_mib\": %.0f}\n",
            city.network.num_nodes(), city.network.num_edges(), o.categories, o.categories * o.facilities_per_category,
            k, max_d, threads, s, static_cast<double>(city.network.num_nodes()) * o.categories / s, one_thread / s,
            filled, peak_rss_mib());
        std::fflush(stdout);
    }
    // Incremental updates: facilities opened at 50 nodes spread over the town, then closed, one
    // at a time, against the full rebuild above (means; after one open and close that are not
    // counted, so that a thread's first search, which sizes its scratch arrays, is left out).
    lifecircle::ReachTable table(city.network, city.facility_nodes[0], k, max_d);
    table.close(table.open(0));
    constexpr std::uint32_t kUpdates = 50;
    std::vector<std::uint32_t> opened;
    std::size_t open_nodes = 0, close_nodes = 0;
    t0 = Clock::now();
    for (std::uint32_t i = 0; i < kUpdates; ++i) {
        opened.push_back(table.open(static_cast<std::uint32_t>(
            (static_cast<std::uint64_t>(i) * city.network.num_nodes() / kUpdates + 7919 * i) %
            city.network.num_nodes())));
        open_nodes += table.last_update_nodes();
    }
    const double open_s = std::chrono::duration<double>(Clock::now() - t0).count() / kUpdates;
    t0 = Clock::now();
    for (auto f : opened) {
        table.close(f);
        close_nodes += table.last_update_nodes();
    }
    const double close_s = std::chrono::duration<double>(Clock::now() - t0).count() / kUpdates;
    std::printf(
        "{\"bench\": \"reach_update\", \"n\": %zu, \"updates\": %u, \"open_seconds\": %.6f, "
        "\"open_nodes\": %.1f, \"close_seconds\": %.6f, \"close_nodes\": %.1f}\n",
        city.network.num_nodes(), kUpdates, open_s, static_cast<double>(open_nodes) / kUpdates, close_s,
        static_cast<double>(close_nodes) / kUpdates);
    return 0;
}
