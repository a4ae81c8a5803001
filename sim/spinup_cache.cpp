#include "sim/spinup_cache.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include <dlfcn.h>
#include <toml++/toml.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/version.hpp"
#include "sim/checkpoint.hpp"
#include "sim/ranks.hpp"

namespace lifecircle {

namespace detail {

inline constexpr const char* kKeyFormat = "lifecircle spin-up 2";
inline constexpr const char* kEntrySuffix = ".spinup.h5";

/// FNV-1a, 64 bits.
struct Fnv {
    std::uint64_t h = 14695981039346656037ULL;
    void add(const char* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            h ^= static_cast<unsigned char>(p[i]);
            h *= 1099511628211ULL;
        }
    }
    std::string hex() const {
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
        return buf;
    }
};

/// The hash of a file's bytes; nothing if it cannot be read.
std::optional<std::string> hash_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    Fnv fnv;
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        fnv.add(buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) return std::nullopt;
    return fnv.hex();
}

/// A string, unambiguously (its length, then its bytes).
void put_string(std::string& out, std::string_view s) {
    out += std::to_string(s.size());
    out += ':';
    out += s;
}

/// A TOML value in one canonical form: tables with their keys sorted (toml++'s own order),
/// floats to 17 digits (every double apart), strings with their lengths.
void canonical(const toml::node& node, std::string& out) {
    if (const auto* t = node.as_table()) {
        out += '{';
        for (const auto& [k, v] : *t) {
            put_string(out, k.str());
            out += '=';
            canonical(v, out);
            out += ',';
        }
        out += '}';
    } else if (const auto* a = node.as_array()) {
        out += '[';
        for (const auto& v : *a) {
            canonical(v, out);
            out += ',';
        }
        out += ']';
    } else if (const auto* s = node.as_string()) {
        out += 's';
        put_string(out, s->get());
    } else if (const auto* i = node.as_integer()) {
        out += 'i' + std::to_string(i->get());
    } else if (const auto* f = node.as_floating_point()) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "f%.17g", f->get());
        out += buf;
    } else if (const auto* b = node.as_boolean()) {
        out += b->get() ? "true" : "false";
    } else {  // dates and times
        std::ostringstream text;
        if (const auto* d = node.as_date()) text << d->get();
        if (const auto* t = node.as_time()) text << t->get();
        if (const auto* dt = node.as_date_time()) text << dt->get();
        out += 'd';
        put_string(out, text.str());
    }
}

/// An event's date as the scenario reader takes it (a TOML date or a "YYYY-MM-DD" string).
std::optional<Date> event_date(const toml::node& event) {
    const auto* t = event.as_table();
    if (!t) return std::nullopt;
    const auto* node = t->get("date");
    if (!node) return std::nullopt;
    if (const auto d = node->value<toml::date>()) return Date{d->year, d->month, d->day};
    if (const auto s = node->value<std::string>()) return Date::parse(*s);
    return std::nullopt;
}

/// Where entries and their temporary files are.
std::filesystem::path entries_dir(const SpinupCacheOptions& cache) { return cache.dir / "spinup"; }

bool is_entry(const std::filesystem::path& p) {
    const std::string name = p.filename().string();
    return name.size() > std::string_view(kEntrySuffix).size() && name.ends_with(kEntrySuffix);
}

bool is_temporary(const std::filesystem::path& p) { return p.filename().string().find(".part-") != std::string::npos; }

/// Removes the least recently used entries beyond the size limit, and temporary files left
/// for more than an hour (a run killed while writing one).
void evict(const SpinupCacheOptions& cache) {
    std::error_code ec;
    const auto now = std::filesystem::file_time_type::clock::now();
    for (const auto& e : std::filesystem::directory_iterator(entries_dir(cache), ec))
        if (is_temporary(e.path()) && now - e.last_write_time(ec) > std::chrono::hours(1))
            std::filesystem::remove(e.path(), ec);
    std::uint64_t kept = 0;
    for (const auto& entry : spinup_cache_entries(cache)) {
        kept += entry.bytes;
        if (kept > cache.max_bytes) std::filesystem::remove(entry.path, ec);
    }
}

}  // namespace detail

SpinupCacheOptions SpinupCacheOptions::from_environment() {
    SpinupCacheOptions o;
    if (const char* on = std::getenv("LIFECIRCLE_SPINUP_CACHE")) {
        const std::string v = on;
        if (v == "0" || v == "off" || v == "no" || v == "false") o.enabled = false;
    }
    if (const char* dir = std::getenv("LIFECIRCLE_CACHE_DIR"); dir && *dir) {
        o.dir = dir;
    } else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
        o.dir = std::filesystem::path(xdg) / "lifecircle";
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        o.dir = std::filesystem::path(home) / ".cache" / "lifecircle";
    } else {
        o.enabled = false;  // nowhere to keep it
    }
    if (const char* mb = std::getenv("LIFECIRCLE_SPINUP_CACHE_MB"); mb && *mb) {
        char* end = nullptr;
        const double v = std::strtod(mb, &end);
        if (end == mb || *end != '\0' || !(v >= 0))
            throw ArgumentError(std::string("LIFECIRCLE_SPINUP_CACHE_MB is '") + mb +
                                "'; expected a size in megabytes (0: keep nothing)");
        o.max_bytes = static_cast<std::uint64_t>(v * 1048576.0);
    }
    return o;
}

const std::string& build_identity() {
    static const std::string id = [] {
        // the file holding this code: the CLI's executable, or the Python module's library
        Dl_info info{};
        std::optional<std::string> hash;
        if (dladdr(reinterpret_cast<void*>(&build_identity), &info) != 0 && info.dli_fname && *info.dli_fname)
            hash = detail::hash_file(info.dli_fname);
        if (!hash) hash = detail::hash_file("/proc/self/exe");
        return hash ? std::string(kVersion) + "-" + *hash : std::string();
    }();
    return id;
}

std::string spinup_key_text(const Scenario& sc, std::optional<Date> shared_until) {
    std::string out = detail::kKeyFormat;
    out += "\nbuild ";
    out += build_identity();
    out += "\nseed ";
    out += std::to_string(sc.seed);
    for (const auto* file :
         {&sc.network.osm_path, &sc.network.city_path, &sc.network.population_grid, &sc.network.categories_path}) {
        if (file->empty()) continue;
        std::error_code ec;
        const auto size = std::filesystem::file_size(*file, ec);
        const auto time = std::filesystem::last_write_time(*file, ec);
        out += "\nfile ";
        detail::put_string(out, *file);
        out += ' ';
        out += std::to_string(ec ? 0 : size);
        out += ' ';
        out += std::to_string(ec ? 0 : time.time_since_epoch().count());
    }
    // the scenario without the events from its start on (they come after the spin-up)
    toml::table root;
    try {
        root = toml::parse(sc.text, sc.path);
    } catch (const toml::parse_error&) {
        return {};  // (a scenario parse_scenario read is TOML)
    }
    // (in the engine's order, by date and then as written: the same events written in
    // another order of dates are the same scenario)
    if (auto* events = root["events"].as_array()) {
        std::vector<std::pair<Date, const toml::node*>> kept;
        for (const auto& e : *events) {
            const auto date = detail::event_date(e);
            if (!date) return {};  // (a scenario parse_scenario read has dated events)
            if (shared_until ? !(*shared_until < *date) : *date < sc.start) kept.emplace_back(*date, &e);
        }
        std::stable_sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        toml::array before;
        for (const auto& [date, e] : kept) before.push_back(*e);
        *events = std::move(before);
    }
    out += "\nscenario ";
    detail::canonical(root, out);
    if (shared_until) out += "\nshared until " + shared_until->str();
    return out;
}

std::vector<SpinupEntry> spinup_cache_entries(const SpinupCacheOptions& cache) {
    std::vector<SpinupEntry> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(detail::entries_dir(cache), ec)) {
        if (!detail::is_entry(e.path())) continue;
        SpinupEntry entry;
        entry.path = e.path();
        entry.bytes = e.file_size(ec);
        entry.used = e.last_write_time(ec);
        if (!ec) out.push_back(entry);
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.used != b.used ? a.used > b.used : a.path < b.path; });
    return out;
}

std::uint64_t clear_spinup_cache(const SpinupCacheOptions& cache) {
    std::uint64_t freed = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(detail::entries_dir(cache), ec))
        if (detail::is_entry(e.path()) || detail::is_temporary(e.path())) {
            const auto bytes = e.file_size(ec);
            if (std::filesystem::remove(e.path(), ec)) freed += ec ? 0 : bytes;
        }
    return freed;
}

namespace {

/// A cache entry: its key, and its file (named by the key's hash).
struct Entry {
    std::string key;
    std::string hex;
    std::filesystem::path path;
};

Entry entry_of(std::string key, const std::filesystem::path& dir) {
    detail::Fnv fnv;
    fnv.add(key.data(), key.size());
    Entry e{std::move(key), fnv.hex(), {}};
    e.path = dir / (e.hex + detail::kEntrySuffix);
    return e;
}

/// The entry's state, if every rank can read it (collective over the ranks).
std::optional<RunState> read_entry(const Entry& e, const Scenario& sc, const Ranks& ranks) {
    std::optional<RunState> state;
    std::error_code ec;
    if (std::filesystem::is_regular_file(e.path, ec)) {
        try {
            state = read_spinup_checkpoint(e.path.string(), sc, e.key);
            std::filesystem::last_write_time(e.path, std::filesystem::file_time_type::clock::now(), ec);  // used now
        } catch (const std::exception&) {  // another key with the same hash, another build, damage: simulate
            state.reset();
        }
    }
    if (ranks.max(state ? 0 : 1) != 0) state.reset();  // a rank without it: every rank simulates
    return state;
}

/// Keeps `state` as the entry: written under a name of this writer's own and renamed into
/// place when whole (concurrent runs of the same state each write theirs and the last rename
/// wins: the same bytes); then the least recently used entries beyond the limit go. A cache
/// that cannot be written is no error. Whether it was kept.
bool keep_entry(const Entry& e, const Scenario& sc, const RunState& state, const SpinupCacheOptions& cache) {
    static std::atomic<unsigned> counter{0};
    const auto dir = e.path.parent_path();
    const auto part =
        dir / (e.hex + ".part-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)) + ".h5");
    try {
        std::filesystem::create_directories(dir);
        write_checkpoint(part.string(), sc, state, e.key);
        std::filesystem::rename(part, e.path);
        detail::evict(cache);
        return true;
    } catch (const std::exception&) {
        std::error_code ignored;
        std::filesystem::remove(part, ignored);
        return false;
    }
}

}  // namespace

Results run_simulation_cached(World world, const RunOptions& options, const SpinupCacheOptions& cache, SpinupUse* use,
                              std::optional<Date> shared_until) {
    SpinupUse ignored;
    SpinupUse& u = use ? *use : ignored;
    u = SpinupUse{};
    const Scenario sc = world.scenario;  // (the world moves into the simulation)
    const Date last = options.until ? std::min(*options.until, sc.end) : sc.end;
    // the shared months: to a month's last day from the start on, and at most the run's last
    // day (a run that ends there keeps them for others, which read them if they go on)
    if (shared_until &&
        (*shared_until < sc.start || last < *shared_until || Date::from_days(shared_until->days() + 1).day != 1))
        shared_until.reset();
    // Over MPI ranks every rank decides alike (each call below is collective): the cache is
    // used when every rank has it on, and read when every rank read the entry from its own
    // cache (one folder shared, or a copy on each machine); rank 0 alone keeps what it simulated.
    const Ranks& ranks = options.ranks ? *options.ranks : Ranks::world();
    const bool usable = cache.enabled && (sc.spin_up_months > 0 || shared_until) && !build_identity().empty();
    if (ranks.max(usable ? 0 : 1) != 0) return run_simulation(std::move(world), options);
    const auto dir = detail::entries_dir(cache);
    std::optional<Entry> spin_up, shared;
    if (sc.spin_up_months > 0)
        if (auto key = spinup_key_text(sc); !key.empty()) spin_up = entry_of(std::move(key), dir);
    if (shared_until)
        if (auto key = spinup_key_text(sc, shared_until); !key.empty()) shared = entry_of(std::move(key), dir);
    if (!spin_up && !shared) return run_simulation(std::move(world), options);
    u.path = (shared ? shared : spin_up)->path.string();

    auto resume = [&](RunState state, const RunOptions& with) {
        u.hit = true;
        u.trips = state.trips;
        state.until = last.days();
        return resume_simulation(std::move(world), std::move(state), with);
    };
    if (shared && *shared_until < last)
        if (auto state = read_entry(*shared, sc, ranks)) {
            u.shared = true;
            return resume(std::move(*state), options);
        }
    RunOptions keep = options;
    if (ranks.rank() == 0 && shared) {
        keep.snapshot_day = shared_until->days();
        keep.snapshot_done = [&](const RunState& s) { u.stored = keep_entry(*shared, sc, s, cache) || u.stored; };
    }
    if (spin_up) {
        if (auto state = read_entry(*spin_up, sc, ranks)) return resume(std::move(*state), keep);
        if (ranks.rank() == 0)
            keep.spin_up_done = [&](const RunState& s) { u.stored = keep_entry(*spin_up, sc, s, cache) || u.stored; };
    }
    return run_simulation(std::move(world), keep);
}

}  // namespace lifecircle
