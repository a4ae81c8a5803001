// Reach-table benchmark on a synthetic grid city: prints one JSON line per measurement.
//   bench_reach [side=1000] [categories=10] [facilities_per_category=2000] [k=8] [max_m=1200]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

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
    // Incremental update: open and close one facility, against the full rebuild above.
    lifecircle::ReachTable table(city.network, city.facility_nodes[0], k, max_d);
    t0 = Clock::now();
    const auto f = table.open(city.network.num_nodes() / 2);
    const double open_s = std::chrono::duration<double>(Clock::now() - t0).count();
    const auto touched_open = table.last_update_nodes();
    t0 = Clock::now();
    table.close(f);
    const double close_s = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf(
        "{\"bench\": \"reach_update\", \"n\": %zu, \"open_seconds\": %.5f, "
        "\"open_nodes\": %zu, \"close_seconds\": %.5f, \"close_nodes\": %zu}\n",
        city.network.num_nodes(), open_s, touched_open, close_s, table.last_update_nodes());
    return 0;
}
