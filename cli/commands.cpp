#include "cli/commands.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <tbb/global_control.h>
#include <unistd.h>

#include "core/city_file.hpp"
#include "core/coverage.hpp"
#include "core/csv_reader.hpp"
#include "core/error.hpp"
#include "core/reach_table.hpp"
#include "core/scenario.hpp"
#include "core/spatial_index.hpp"
#include "models/grid_city.hpp"
#include "models/world_builder.hpp"
#include "sim/checkpoint.hpp"
#include "sim/ranks.hpp"
#include "sim/recorder.hpp"
#include "sim/simulation.hpp"
#include "sim/spinup_cache.hpp"

namespace lifecircle::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// Prints the coverage table of several categories' reach tables.
void print_coverage(const std::vector<std::string>& names, const std::vector<ReachTable>& tables,
                    const std::vector<std::vector<double>>& snap_distances, const ReachOptions& options) {
    const std::vector<double> minutes{5.0, 10.0, 15.0};
    std::vector<double> shown;
    for (double m : minutes)
        if (m <= options.max_minutes) shown.push_back(m);
    std::printf("%-12s %10s %17s", "category", "facilities", "snap med/max (m)");
    for (double m : shown) std::printf("   <=%2.0f min", m);
    std::printf("\n");
    for (std::size_t c = 0; c < tables.size(); ++c) {
        auto snaps = snap_distances[c];
        std::string snap = "-";
        if (!snaps.empty()) {
            std::sort(snaps.begin(), snaps.end());
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.1f / %.1f", snaps[snaps.size() / 2], snaps.back());
            snap = buf;
        }
        std::printf("%-12s %10zu %17s", names[c].c_str(), tables[c].num_facilities(), snap.c_str());
        for (double share : coverage_shares(tables[c], shown, options.speed)) std::printf("   %7.1f%%", 100.0 * share);
        std::printf("\n");
    }
    std::printf("(share of network nodes whose nearest facility is within the walk, at %.0f m/min)\n", options.speed);
}

void check(const ReachOptions& o) {
    if (o.k < 1) throw ArgumentError("--k must be at least 1");
    if (!(o.max_minutes > 0)) throw ArgumentError("--max-minutes must be positive");
    if (!(o.speed > 0)) throw ArgumentError("--speed must be positive (metres a minute)");
}

}  // namespace

int run_example(const ReachOptions& options, unsigned grid_side, unsigned seed) {
    check(options);
    GridCityOptions g;
    g.nx = g.ny = grid_side;
    g.seed = seed;
    g.categories = 4;
    g.facilities_per_category = std::max(1U, grid_side * grid_side / 400);
    auto start = Clock::now();
    const GridCity city = make_grid_city(g);
    const auto& net = city.network;
    std::printf(
        "Example: synthetic grid city, %zu nodes, %zu edges, %.1f km of streets "
        "(seed %u; %zu nodes dropped off the largest component)\n",
        net.num_nodes(), net.num_edges(), net.total_length() / 1000.0, seed, net.report().dropped_nodes);
    const double max_distance = options.max_minutes * options.speed;
    const auto tables = build_reach_tables(net, city.facility_nodes, options.k, max_distance);
    std::printf("Reach tables: k = %d within %.0f m (%.0f min at %.0f m/min), %.3f s\n\n", options.k, max_distance,
                options.max_minutes, options.speed, seconds_since(start));
    std::vector<std::string> names{"grocery", "food", "health", "transit"};
    print_coverage(names, tables, std::vector<std::vector<double>>(tables.size()), options);
    return 0;
}

int run_import_osm(const std::string& input, const std::string& output, const std::string& categories_path,
                   bool keep_all_components) {
    const auto start = Clock::now();
    const CategoryMap categories =
        categories_path.empty() ? CategoryMap::builtin() : CategoryMap::load(categories_path);
    const OsmCity city = import_osm(input, categories, !keep_all_components);
    write_city(output, city, input);
    const auto& net = city.network;
    const auto& r = net.report();
    std::printf("%s: %zu ways read, %zu walkable; %zu way nodes outside the extract\n", input.c_str(),
                city.report.ways_read, city.report.walkable_ways, city.report.missing_node_refs);
    std::printf(
        "network: %zu nodes, %zu edges, %.1f km (from %zu nodes in %zu components; "
        "dropped %zu nodes, %zu edges, %.1f km)\n",
        net.num_nodes(), net.num_edges(), net.total_length() / 1000.0, r.input_nodes, r.components, r.dropped_nodes,
        r.dropped_edges, r.dropped_length / 1000.0);
    std::vector<std::size_t> per(city.categories.size(), 0);
    for (const auto& f : city.facilities) ++per[f.category];
    std::printf("facilities: %zu", city.facilities.size());
    for (std::size_t c = 0; c < per.size(); ++c)
        std::printf("%s %s %zu", c == 0 ? " (" : ",", city.categories[c].c_str(), per[c]);
    std::printf(")\nwrote %s in %.2f s\n", output.c_str(), seconds_since(start));
    return 0;
}

int run_import_csv(const std::string& nodes, const std::string& edges, const std::string& facilities,
                   const std::string& output, bool keep_all_components) {
    OsmCity city;
    city.network = WalkNetwork::from_csv(nodes, edges, !keep_all_components);
    if (!facilities.empty()) {
        const auto table = CsvTable::read(facilities, {"x", "y", "category"});
        const auto x = table.double_column("x");
        const auto y = table.double_column("y");
        const auto category = table.string_column("category");
        const auto name = table.has_column("name") ? table.string_column("name") : std::vector<std::string>(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
                throw InputError(facilities + ":" + std::to_string(table.line_of(i)) +
                                 ": x and y must be finite coordinates in metres");
            if (category[i].empty())
                throw InputError(facilities + ":" + std::to_string(table.line_of(i)) +
                                 ": column 'category' is empty; expected a category name");
            auto it = std::find(city.categories.begin(), city.categories.end(), category[i]);
            if (it == city.categories.end()) it = city.categories.insert(it, category[i]);
            OsmFacility f;
            f.osm_id = static_cast<std::int64_t>(i);
            f.category = static_cast<std::uint32_t>(it - city.categories.begin());
            f.x = x[i];
            f.y = y[i];
            f.name = name[i];
            city.facilities.push_back(std::move(f));
        }
    }
    write_city(output, city, nodes + " + " + edges);
    const auto& r = city.network.report();
    std::printf(
        "network: %zu nodes, %zu edges, %.1f km (dropped %zu nodes, %zu edges); "
        "%zu facilities in %zu categories\nwrote %s\n",
        city.network.num_nodes(), city.network.num_edges(), city.network.total_length() / 1000.0, r.dropped_nodes,
        r.dropped_edges, city.facilities.size(), city.categories.size(), output.c_str());
    return 0;
}

int run_validate(const std::string& config) {
    const Scenario sc = load_scenario(config);
    // what `run` checks beyond the schema (districts too small for a block, age shares that
    // no household sizes can hold, an OSM file or grid that yields nothing) fails here too
    const World world = build_world(sc);
    std::size_t baseline = 0;
    for (const auto& d : sc.districts)
        for (const auto& [cat, n] : d.baseline) baseline += static_cast<std::size_t>(n);
    std::printf("%s: valid. \"%s\", %s to %s, seed %llu\n", config.c_str(), sc.name.c_str(), sc.start.str().c_str(),
                sc.end.str().c_str(), static_cast<unsigned long long>(sc.seed));
    std::printf(
        "  %zu district(s), %lld residents; %zu categories, %zu baseline facilities; "
        "%zu time slots, %zu holiday periods, %zu policy events; network: %s\n",
        sc.districts.size(), static_cast<long long>(sc.total_population()), sc.categories.size(), baseline,
        sc.slots.size(), sc.holidays.size(), sc.events.size(), sc.network.kind.c_str());
    std::printf("  world: %zu nodes, %zu residents, %zu facilities\n", world.network.num_nodes(),
                world.residents.size(), world.facilities.size());
    return 0;
}

int run_world(const std::string& config_arg) {
    const auto start = Clock::now();
    const Scenario sc = config_arg.empty() ? builtin_yunfu() : load_scenario(config_arg);
    const std::string& config = sc.path;
    const World world = build_world(sc);
    const double build_s = seconds_since(start);
    const auto summary = summarise_world(world);
    std::printf(
        "%s: %zu nodes, %zu edges, %.1f km of streets; %zu residents in %zu households; "
        "%zu facilities; built in %.2f s\n\n",
        config.c_str(), world.network.num_nodes(), world.network.num_edges(), world.network.total_length() / 1000.0,
        world.residents.size(), world.num_households(), world.facilities.size(), build_s);
    std::printf("%-8s %-12s %9s %10s %7s %7s %7s %6s %10s\n", "district", "pinyin", "residents", "households", "child",
                "working", "elderly", "nodes", "facilities");
    for (const auto& s : summary) {
        int total = 0;
        for (int f : s.facilities) total += f;
        const double n = std::max<double>(1.0, static_cast<double>(s.residents));
        // pad by display width: a CJK character is two columns wide but three UTF-8 bytes
        const int pad = 8 + static_cast<int>(s.name.size()) / 3;
        std::printf("%-*s %-12s %9lld %10lld %6.1f%% %6.1f%% %6.1f%% %6lld %10d\n", pad, s.name.c_str(),
                    s.pinyin.c_str(), static_cast<long long>(s.residents), static_cast<long long>(s.households),
                    100.0 * s.by_age[0] / n, 100.0 * s.by_age[1] / n, 100.0 * s.by_age[2] / n,
                    static_cast<long long>(s.nodes), total);
    }
    std::printf("\nOpen facilities by category:\n%-14s %4s", "category", "");
    for (const auto& s : summary) std::printf(" %7.7s", s.pinyin.c_str());
    std::printf("\n");
    for (std::size_t c = 0; c < sc.categories.size(); ++c) {
        std::printf("%-14s %5s", sc.categories[c].key.c_str(), "");
        for (const auto& s : summary) std::printf(" %7d", s.facilities[c]);
        std::printf("\n");
    }
    std::printf(
        "\nResidents whose nearest facility lies inside its ring (%% ; ring in minutes at "
        "each resident's walking speed, or in metres with m):\n%-14s %5s",
        "category", "ring");
    for (const auto& s : summary) std::printf(" %7.7s", s.pinyin.c_str());
    std::printf("\n");
    for (std::size_t c = 0; c < sc.categories.size(); ++c) {
        const auto& cat = sc.categories[c];
        if (cat.ring_metres > 0)
            std::printf("%-14s %4.0fm", cat.key.c_str(), cat.ring_metres);
        else
            std::printf("%-14s %5.0f", cat.key.c_str(), cat.ring_minutes);
        for (const auto& s : summary) std::printf(" %7.1f", 100.0 * s.in_ring[c]);
        std::printf("\n");
    }
    return 0;
}

namespace {

/// "YYYY-MM-DD" to a Date, or an ArgumentError naming the option.
Date parse_date(const std::string& text, const char* option) {
    if (const auto date = Date::parse(text)) return *date;
    throw ArgumentError(std::string(option) + " is '" + text + "'; expected a date such as 2030-12-31");
}

}  // namespace

namespace {

/// The signal that asked the run to stop (0: none); the handler only sets it.
std::atomic<int> g_signal{0};
std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int signal) {
    g_signal.store(signal);
    g_stop.store(true);
}

/// The scenario of `lifecircle run`: a checkpoint's own when resuming (CONFIG, if given, must
/// be the same text), else CONFIG or the built-in one; --seed applies.
Scenario run_scenario(const RunCommand& cmd) {
    if (cmd.resume.empty()) {
        Scenario sc = cmd.config.empty() ? builtin_yunfu() : load_scenario(cmd.config);
        if (cmd.seed) sc.seed = *cmd.seed;
        return sc;
    }
    const CheckpointInfo info = read_checkpoint_info(cmd.resume);
    Scenario sc = parse_scenario(info.scenario_text, info.scenario_path);
    sc.seed = info.seed;
    if (!cmd.config.empty() && load_scenario(cmd.config).text != sc.text)
        throw ConfigError(cmd.resume + ": a checkpoint of " + info.scenario_path + " as it was then, not of " +
                          cmd.config + " as it is now; resume without CONFIG to use the checkpoint's own");
    if (cmd.seed && *cmd.seed != sc.seed)
        throw ConfigError(cmd.resume + ": a checkpoint of seed " + std::to_string(sc.seed) + ", not --seed " +
                          std::to_string(*cmd.seed));
    return sc;
}

}  // namespace

int run_run(const RunCommand& cmd) {
    const Scenario sc = run_scenario(cmd);
    const Ranks& ranks = Ranks::world();
    const bool lead = ranks.rank() == 0;  // rank 0 writes and prints
    RunOptions options;
    options.ranks = &ranks;
    options.checkpoint_every = cmd.checkpoint_every;
    options.checkpoint_path = cmd.checkpoint.empty() && (cmd.checkpoint_every > 0 || !cmd.resume.empty())
                                  ? cmd.output + ".ckpt"
                                  : cmd.checkpoint;
    if (!ranks.many()) {  // over MPI ranks a signal ends the run (mpirun stops every rank)
        options.stop = &g_stop;
        std::signal(SIGINT, on_stop_signal);
        std::signal(SIGTERM, on_stop_signal);
    }
    if (!cmd.until.empty()) options.until = parse_date(cmd.until, "--until");
    // the output's folder must be writable before days of work, on the rank that writes it
    std::string unwritable;
    if (lead) {
        const auto parent = std::filesystem::path(cmd.output).parent_path();
        std::error_code ec;
        if (!parent.empty() && !std::filesystem::is_directory(parent)) std::filesystem::create_directories(parent, ec);
        const std::string folder = parent.empty() ? "." : parent.string();
        if (ec || ::access(folder.c_str(), W_OK) != 0)
            unwritable = cmd.output + ": cannot write into " + folder + " (" +
                         (ec ? ec.message() : std::string(std::strerror(errno))) + ")";
    }
    if (ranks.max(unwritable.empty() ? 0 : 1) != 0)
        throw InputError(lead ? unwritable : "rank 0 cannot write the results file " + cmd.output);
    const bool bar = lead && cmd.progress && ::isatty(2);
    if (bar)
        options.progress = [last = -1.0](const Progress& p) mutable {
            if (p.fraction - last < 0.002 && p.fraction < 1.0) return;
            last = p.fraction;
            const int width = 30, done = static_cast<int>(p.fraction * width);
            const double rate = p.seconds > 0 ? static_cast<double>(p.trips) / p.seconds : 0.0;
            const double left = p.fraction > 0 ? p.seconds * (1.0 - p.fraction) / p.fraction : 0.0;
            std::fprintf(stderr, "\r%s [%.*s%*s] %5.1f%%  %5.1f M trips/s  %4.0f s left ", p.date.str().c_str(), done,
                         "##############################", width - done, "", 100.0 * p.fraction, rate / 1e6, left);
            std::fflush(stderr);
        };
    const auto start = Clock::now();
    World world = build_world(sc);
    const std::size_t residents = world.residents.size();
    if (residents < static_cast<std::size_t>(ranks.size()))
        throw ArgumentError(std::to_string(ranks.size()) + " ranks for " + std::to_string(residents) +
                            " residents in " + sc.path + ": run on at most " + std::to_string(residents) + " ranks");
    SpinupCacheOptions cache = SpinupCacheOptions::from_environment();
    cache.enabled = cache.enabled && cmd.spinup_cache;
    SpinupUse spinup;
    Results res = cmd.resume.empty() ? run_simulation_cached(std::move(world), options, cache, &spinup)
                                     : resume_simulation(std::move(world), read_checkpoint(cmd.resume, sc), options);
    if (bar) std::fprintf(stderr, "\n");
    if (g_stop.load()) {
        // stopped by a signal: no results file; a last checkpoint when they are on
        const int signal = g_signal.load();
        std::fprintf(stderr, "lifecircle: stopped by signal %d after %s; %s\n", signal, res.end.str().c_str(),
                     options.checkpoint_every > 0 ? ("checkpoint in " + options.checkpoint_path +
                                                     " (continue with --resume " + options.checkpoint_path + ")")
                                                        .c_str()
                                                  : "no results written");
        return 128 + signal;
    }
    if (!lead) return 0;
    write_results(cmd.output, sc, res);
    const std::string spin_up = sc.spin_up_months > 0
                                    ? " after " + std::to_string(sc.spin_up_months) + " months of spin-up" +
                                          (spinup.hit ? " (from the cache)" : "")
                                    : "";
    std::printf("%s: %zu residents, %s to %s%s, %.0f M trips in %.1f s (%.1f M trips/s on %d threads); wrote %s\n\n",
                sc.path.c_str(), residents, sc.start.str().c_str(), res.end.str().c_str(), spin_up.c_str(),
                static_cast<double>(res.trips) / 1e6, seconds_since(start),
                static_cast<double>(res.trips - spinup.trips) / std::max(res.seconds, 1e-9) / 1e6, res.threads,
                cmd.output.c_str());
    if (ranks.many())
        std::printf("(on %d MPI ranks x %d threads; each rank reduced %.1f MB of tallies)\n\n", ranks.size(),
                    res.threads, static_cast<double>(res.bytes_reduced) / 1e6);
    // the last simulated year, per district
    const int year = res.end.year;
    std::printf("%-8s %-11s %4s %9s %13s %8s %8s %7s %7s %6s %6s\n", "district", "pinyin", "in", "satisfied",
                "survey (95%)", "unmet", "night", "shops", "opened", "closed", "walk");
    for (std::size_t d = 0; d < sc.districts.size(); ++d) {
        DistrictMonth last{}, sum{};
        for (const auto& m : res.district_month)
            if (m.district == static_cast<int>(d) && m.year == year) {
                last = m;
                sum.needs += m.needs;
                sum.unmet += m.unmet;
                sum.night_needs += m.night_needs;
                sum.night_served += m.night_served + m.night_delivered;
                sum.openings += m.openings;
                sum.closures += m.closures;
                sum.served += m.served;
                sum.walk_deciminutes += m.walk_deciminutes;
            }
        const auto& name = sc.districts[d].name;
        const int pad = 8 + static_cast<int>(name.size()) / 3;
        char survey[32];
        std::snprintf(survey, sizeof survey, "%.0f-%.0f%%", 100 * last.survey_low, 100 * last.survey_high);
        std::printf("%-*s %-11s %4s %8.1f%% %13s %7.1f%% %7.1f%% %7lld %7lld %6lld %5.1fm\n", pad, name.c_str(),
                    sc.districts[d].pinyin.c_str(), last.in_programme ? "yes" : "no",
                    last.residents ? 100.0 * last.satisfied / last.residents : 0.0, survey,
                    sum.needs ? 100.0 * sum.unmet / sum.needs : 0.0,
                    sum.night_needs ? 100.0 * sum.night_served / sum.night_needs : 0.0,
                    static_cast<long long>(last.shops_open), static_cast<long long>(sum.openings),
                    static_cast<long long>(sum.closures), sum.served ? sum.walk_deciminutes / 10.0 / sum.served : 0.0);
    }
    std::printf(
        "(%d; satisfied: share of residents at the end of the year, survey: n = %d emulated; unmet: "
        "share of the year's needs; night: night needs served or delivered; walk: mean minutes)\n",
        year, sc.survey_sample);
    return 0;
}

int run_cache(const std::string& action) {
    const SpinupCacheOptions cache = SpinupCacheOptions::from_environment();
    const std::string where = (cache.dir / "spinup").string();
    if (action == "clear") {
        const auto freed = clear_spinup_cache(cache);
        std::printf("%s: cleared (%.1f MB freed)\n", where.c_str(), static_cast<double>(freed) / 1048576.0);
        return 0;
    }
    const auto entries = spinup_cache_entries(cache);
    std::uint64_t bytes = 0;
    for (const auto& e : entries) bytes += e.bytes;
    std::printf("%s: %zu spin-up%s, %.1f MB of at most %.1f MB%s\n", where.c_str(), entries.size(),
                entries.size() == 1 ? "" : "s", static_cast<double>(bytes) / 1048576.0,
                static_cast<double>(cache.max_bytes) / 1048576.0,
                cache.enabled ? "" : " (off: LIFECIRCLE_SPINUP_CACHE)");
    for (const auto& e : entries) {
        std::string scenario = "?";
        try {
            const auto info = read_checkpoint_info(e.path.string());
            scenario = info.scenario_path + ", seed " + std::to_string(info.seed) + ", to " + info.day.str();
        } catch (const std::exception&) {
        }
        std::printf("  %s  %7.1f MB  %s\n", e.path.filename().string().c_str(),
                    static_cast<double>(e.bytes) / 1048576.0, scenario.c_str());
    }
    return 0;
}

int run_reach(const std::string& city_path, const ReachOptions& options) {
    check(options);
    const auto start = Clock::now();
    const OsmCity city = read_city(city_path);
    const auto& net = city.network;
    std::vector<std::vector<std::uint32_t>> nodes(city.categories.size());
    std::vector<std::vector<double>> snaps(city.categories.size());
    const auto snapped = snap_facilities(city);
    for (std::size_t i = 0; i < city.facilities.size(); ++i) {
        nodes[city.facilities[i].category].push_back(snapped[i].node);
        snaps[city.facilities[i].category].push_back(snapped[i].distance);
    }
    const double max_distance = options.max_minutes * options.speed;
    const auto tables = build_reach_tables(net, nodes, options.k, max_distance);
    std::printf("%s: %zu nodes, %zu edges, %.1f km; %zu facilities in %zu categories\n", city_path.c_str(),
                net.num_nodes(), net.num_edges(), net.total_length() / 1000.0, city.facilities.size(),
                city.categories.size());
    std::printf("reach tables: k = %d within %.0f m (%.0f min at %.0f m/min), %.3f s\n\n", options.k, max_distance,
                options.max_minutes, options.speed, seconds_since(start));
    print_coverage(city.categories, tables, snaps, options);
    return 0;
}

int run_python(const std::string& module, const std::vector<std::string>& arguments) {
    // The interpreter: $LIFECIRCLE_PYTHON, else the one beside this program (a virtual
    // environment's bin/, where `pip install .` puts both), else the build's, else python3.
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const auto here = ec ? std::filesystem::path{} : self.parent_path();
    std::string python = "python3";
#ifdef LIFECIRCLE_PYTHON
    if (std::filesystem::exists(LIFECIRCLE_PYTHON)) python = LIFECIRCLE_PYTHON;
#endif
    if (!here.empty() && std::filesystem::exists(here / "python3")) python = (here / "python3").string();
    if (const char* env = std::getenv("LIFECIRCLE_PYTHON"); env && *env) python = env;
    // In a build tree the package sits in <build>/python (see CMakeLists.txt).
    if (!here.empty() && std::filesystem::exists(here / "python" / "lifecircle" / "__init__.py")) {
        std::string path = (here / "python").string();
        if (const char* old = std::getenv("PYTHONPATH"); old && *old) path += std::string(":") + old;
        ::setenv("PYTHONPATH", path.c_str(), 1);
    }
    // the module's main(argv), imported as any module (not run as __main__: the package may
    // have imported it already)
    std::vector<std::string> args{python, "-c",
                                  "import sys, lifecircle." + module + " as m; sys.exit(m.main(sys.argv[1:]))"};
    args.insert(args.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::fflush(stdout);
    ::execvp(argv[0], argv.data());
    throw ArgumentError(module + ": cannot start Python '" + python + "' (" + std::strerror(errno) +
                        "); set LIFECIRCLE_PYTHON to an interpreter with the lifecircle package");
}

}  // namespace lifecircle::cli
