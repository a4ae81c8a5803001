#include "sim/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <unordered_map>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "models/destination_choice.hpp"
#include "models/needs.hpp"
#include "models/satisfaction.hpp"
#include "models/shop_economics.hpp"
#include "models/synthetic_city.hpp"
#include "sim/coverage.hpp"
#include "sim/error.hpp"
#include "sim/reach_table.hpp"
#include "sim/philox_batch.hpp"
#include "sim/rng.hpp"

namespace lifecircle {

namespace detail {

inline constexpr int kChoiceK = ChoiceCache::kMaxK;  // candidates a resident may weigh
inline constexpr std::size_t kBlock = 4096;   // residents a task
inline constexpr std::uint64_t kCallsMax = (1 + 2 * NeedModel::kMaxNeeds + 3) / 4;  // Philox calls a resident-day

enum EngineStream : std::uint64_t {
    kNeeds = 0,                  // stream = resident id (below 2^40)
    kExit = 1ULL << 41,          // + facility id
    kSurvey = 1ULL << 42,        // + district
    kAppAdoption = 1ULL << 43,   // + event index
    kHousing = 1ULL << 44,       // + event index
};

/// Integer tallies of one thread; summed in any order they give the same totals.
struct Tally {
    std::vector<std::int64_t> visits, revenue;            // per facility
    std::vector<std::int64_t> needs, served, delivered;   // per district x category
    std::vector<std::int64_t> unmet;
    std::vector<std::int64_t> lost_open;                   // unmet or delivered in a slot a new shop would open
    std::vector<std::int64_t> night_needs, night_served, night_delivered, walk;  // per district

    using Column = std::vector<std::int64_t> Tally::*;
    static constexpr std::array<Column, 2> kPerFacility{&Tally::visits, &Tally::revenue};
    static constexpr std::array<Column, 5> kPerDistrictCategory{&Tally::needs, &Tally::served, &Tally::delivered,
                                                               &Tally::unmet, &Tally::lost_open};
    static constexpr std::array<Column, 4> kPerDistrict{&Tally::night_needs, &Tally::night_served,
                                                       &Tally::night_delivered, &Tally::walk};

    void resize(std::size_t facilities, std::size_t districts, std::size_t categories) {
        for (auto c : kPerFacility) (this->*c).resize(facilities, 0);
        for (auto c : kPerDistrictCategory) (this->*c).resize(districts * categories, 0);
        for (auto c : kPerDistrict) (this->*c).resize(districts, 0);
    }
    template <class F>
    void each_column(F&& f) {
        for (auto c : kPerFacility) f(c);
        for (auto c : kPerDistrictCategory) f(c);
        for (auto c : kPerDistrict) f(c);
    }
    void clear() {
        each_column([&](Column c) { std::fill((this->*c).begin(), (this->*c).end(), 0); });
    }
    void add(const Tally& o) {
        each_column([&](Column c) {
            auto& a = this->*c;
            const auto& b = o.*c;
            if (a.size() < b.size()) a.resize(b.size(), 0);
            for (std::size_t i = 0; i < b.size(); ++i) a[i] += b[i];
        });
    }
};

class Simulation {
public:
    Simulation(World world, bool simd)
        : w(std::move(world)), sc(w.scenario), needs_model(sc), philox(sc.seed, simd) {
        nd = sc.districts.size();
        nc = sc.categories.size();
        ns = sc.slots.size();
        if (sc.category_index("elder_canteen") < 0)
            for (const auto& e : sc.events)
                if (e.type == EventType::elder_canteen)
                    throw ConfigError(sc.path + ":" + std::to_string(e.line) +
                                      ": elder_canteen event, but no category 'elder_canteen' is defined");
        for (std::size_t s = 0; s < ns; ++s)
            night_slot.push_back(sc.slots[s].start_hour >= 22.0 || sc.slots[s].end_hour <= 6.0);
        const double fastest = *std::max_element(sc.walking_speed.begin(), sc.walking_speed.end());
        radius = sc.max_walk_minutes * 60.0 * fastest;
        for (auto& f : w.facilities) f.slot_mask = slot_mask(f);
        for (std::size_t c = 0; c < nc; ++c) {
            Facility probe;
            probe.open_hour = static_cast<float>(sc.categories[c].open_hour);
            probe.close_hour = static_cast<float>(sc.categories[c].close_hour);
            default_mask.push_back(slot_mask(probe));
        }
        // reach tables: each category's facilities (primary or extra)
        std::vector<std::vector<std::uint32_t>> nodes(nc);
        table_facility.assign(nc, {});
        for (std::uint32_t f = 0; f < w.facilities.size(); ++f)
            for (std::size_t c = 0; c < nc; ++c)
                if (serves(w.facilities[f], c)) {
                    local_index[key(f, c)] = static_cast<std::uint32_t>(table_facility[c].size());
                    table_facility[c].push_back(f);
                    nodes[c].push_back(w.facilities[f].node);
                }
        tables = build_reach_tables(w.network, nodes, kChoiceK, radius);
        all_nodes.resize(w.network.num_nodes());
        std::iota(all_nodes.begin(), all_nodes.end(), 0U);
        std::array<double, kAgeGroups> reach{};
        for (int a = 0; a < kAgeGroups; ++a) reach[a] = sc.max_walk_minutes * 60.0 * sc.walking_speed[a];
        cache = ChoiceCache(all_nodes.size(), nc, kChoiceK, reach);
        dirty.assign(nc, 1);
        crowding.assign(w.facilities.size(), 1.0f);
        rent_cut.assign(nc * nd, 0.0);
        grant.assign(nc * nd, 0.0);
        in_programme.assign(nd, 0);
        district_residents.assign(nd, {});
        for (std::uint32_t i = 0; i < w.residents.size(); ++i) district_residents[w.residents.district[i]].push_back(i);
        resize_residents();
        for (std::size_t c = 0; c < nc; ++c) spend_fen.push_back(std::llround(sc.categories[c].spend_yuan * 100.0));
    }

    Results run(const RunOptions& options) {
        Results res;
        const Date last = options.until ? std::min(*options.until, sc.end) : sc.end;
        if (last < sc.start)
            throw ArgumentError("--until " + last.str() + " is before the scenario's start " + sc.start.str());
        res.threads = static_cast<int>(std::min<std::size_t>(
            static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()),
            tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism)));
        const auto t0 = std::chrono::steady_clock::now();
        // the spin-up: whole months before the start, simulated but not recorded
        Date spin{sc.start.year, sc.start.month - sc.spin_up_months, 1};
        while (spin.month < 1) {
            spin.month += 12;
            --spin.year;
        }
        first_month = spin.year * 12 + spin.month;
        const std::int64_t first = sc.spin_up_months > 0 ? spin.days() : sc.start.days();
        const std::int64_t final_day = last.days();
        std::size_t next_event = 0;
        rebuild_all();
        month_tally.resize(w.facilities.size(), nd, nc);
        year_tally.resize(w.facilities.size(), nd, nc);
        for (std::int64_t day = first; day <= final_day; ++day) {
            if (options.stop && options.stop->load()) break;
            const Date date = Date::from_days(day);
            bool changed = false;
            while (next_event < sc.events.size() && sc.events[next_event].date <= date) {
                apply(sc.events[next_event], next_event, day);
                ++next_event;
                changed = true;
            }
            if (changed) rebuild_dirty();
            const auto trips_start = std::chrono::steady_clock::now();
            simulate_day(day, date);
            res.trip_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - trips_start).count();
            const Date tomorrow = Date::from_days(day + 1);
            recording = !(date < sc.start);
            if (tomorrow.month != date.month || day == final_day) {
                close_month(date, day, res);
                if (recording && (tomorrow.year != date.year || day == final_day)) close_year(date, res);
                if (!recording && !(tomorrow < sc.start)) year_tally.clear();  // the run starts tomorrow
            }
            if (recording) res.end = date;
            if (options.progress) {
                Progress p;
                p.date = date;
                p.fraction = static_cast<double>(day - first + 1) / static_cast<double>(final_day - first + 1);
                p.trips = trips;
                p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                options.progress(p);
            }
        }
        res.trips = trips;
        res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        res.resident_added_day.assign(w.residents.size(), 0);
        std::copy(added_day.begin(), added_day.end(), res.resident_added_day.end() - static_cast<std::ptrdiff_t>(added_day.size()));
        res.world = std::move(w);  // the simulation ends here
        return res;
    }

private:
    // ---------------------------------------------------------------- helpers
    static std::uint64_t key(std::uint32_t f, std::size_t c) { return (std::uint64_t{f} << 8) | c; }

    bool serves(const Facility& f, std::size_t c) const {
        return f.category == c || (c < 64 && ((f.extra_categories >> c) & 1U));
    }

    std::uint32_t slot_mask(const Facility& f) const {
        if (f.mobile) return f.slot_mask;
        std::uint32_t mask = 0;
        for (std::size_t s = 0; s < ns; ++s)
            if (f.open_hour < sc.slots[s].end_hour && f.close_hour > sc.slots[s].start_hour) mask |= 1U << s;
        return mask;
    }

    void resize_residents() {
        const std::size_t n = w.residents.size();
        r_needs.resize(n, 0);
        r_unmet.resize(n, 0);
        r_night_unmet.resize(n, 0);
        r_satisfied.resize(n, 0);
        while (threshold.size() < n)
            threshold.push_back(static_cast<float>(satisfaction_threshold(sc.satisfaction, sc.seed, threshold.size())));
    }

    /// Rebuilds the choice cache of every category (month ends: crowding changes every weight).
    void rebuild_all() {
        std::fill(dirty.begin(), dirty.end(), 1);
        rebuild_dirty();
    }

    /// Rebuilds the categories whose facilities changed (after policy events): a facility
    /// added, closed, given other hours or other categories marks the categories it serves.
    void rebuild_dirty() {
        for (std::size_t c = 0; c < nc; ++c)
            if (dirty[c])
                cache.rebuild(c, tables[c], table_facility[c], w.facilities, crowding, sc.categories[c].decay, all_nodes);
        std::fill(dirty.begin(), dirty.end(), 0);
    }

    void touch(const Facility& f) {
        for (std::size_t c = 0; c < nc; ++c)
            if (serves(f, c)) dirty[c] = 1;
    }

    /// Adds a facility to the world and to the reach tables of the categories it serves.
    std::uint32_t add_facility(Facility f, std::int64_t day) {
        f.opened_day = static_cast<std::int32_t>(day);
        f.slot_mask = slot_mask(f);
        const auto id = static_cast<std::uint32_t>(w.facilities.size());
        w.facilities.push_back(f);
        crowding.push_back(1.0f);
        for (std::size_t c = 0; c < nc; ++c)
            if (serves(f, c)) add_to_table(id, c);
        month_tally.resize(w.facilities.size(), nd, nc);
        return id;
    }

    void add_to_table(std::uint32_t id, std::size_t c) {
        const auto local = tables[c].open(w.facilities[id].node);
        if (table_facility[c].size() <= local) table_facility[c].resize(local + 1);
        table_facility[c][local] = id;
        local_index[key(id, c)] = local;
        dirty[c] = 1;
    }

    void close_facility(std::uint32_t id, std::int64_t day) {
        auto& f = w.facilities[id];
        if (f.state != FacilityState::open) return;
        f.state = FacilityState::closed;
        f.closed_day = static_cast<std::int32_t>(day);
        touch(f);
        for (std::size_t c = 0; c < nc; ++c)
            if (serves(f, c)) tables[c].close(local_index.at(key(id, c)));
    }

    /// Residents living at each node.
    std::vector<std::int64_t> residents_per_node() const {
        std::vector<std::int64_t> out(w.network.num_nodes(), 0);
        for (auto node : w.residents.home_node) ++out[node];
        return out;
    }

    /// The site of district d that brings the most residents not yet inside category c's
    /// ring (at working-age speed) inside it: greedy maximal coverage, ties to the lower node.
    std::uint32_t best_site(std::size_t d, std::size_t c, const std::vector<std::int64_t>& per_node) const {
        const double ring = sc.categories[c].ring_minutes * 60.0 * sc.walking_speed[1];
        // the network never changes: each district's candidates' balls are computed once a ring
        auto [it, fresh] = site_balls_cache.try_emplace({d, ring});
        if (fresh) it->second = site_balls(w.network, candidate_sites(w, d), ring);
        if (it->second.candidates.empty()) return w.district_centre[d];
        std::vector<double> weights(per_node.begin(), per_node.end());
        std::vector<std::uint8_t> covered(weights.size());
        for (std::uint32_t u = 0; u < covered.size(); ++u) covered[u] = tables[c].distance(u, 0) <= ring;
        return greedy_sites(it->second, weights, std::move(covered), 1).front().node;
    }

    // ---------------------------------------------------------------- policy
    std::vector<std::size_t> districts_of(const PolicyEvent& e) const {
        std::vector<std::size_t> out;
        if (e.district) out.push_back(static_cast<std::size_t>(sc.district_index(*e.district)));
        else
            for (std::size_t d = 0; d < nd; ++d) out.push_back(d);
        return out;
    }

    void apply(const PolicyEvent& e, std::size_t index, std::int64_t day) {
        const int c = e.category ? sc.category_index(*e.category) : -1;
        switch (e.type) {
            case EventType::join_programme:
                for (auto d : districts_of(e)) in_programme[d] = 1;
                break;
            case EventType::subsidy:
                for (auto d : districts_of(e)) {
                    rent_cut[static_cast<std::size_t>(c) * nd + d] = e.rent_cut;
                    grant[static_cast<std::size_t>(c) * nd + d] = e.grant_yuan_month;
                }
                break;
            case EventType::plan_facility:
            case EventType::elder_canteen:
            case EventType::mobile_vendor: {
                const int cat = e.type == EventType::elder_canteen ? sc.category_index("elder_canteen") : c;
                const auto per_node = residents_per_node();
                for (auto d : districts_of(e))
                    for (int k = 0; k < e.count; ++k) {
                        Facility f = make_facility(sc, best_site(d, static_cast<std::size_t>(cat), per_node), cat,
                                                   static_cast<int>(d));
                        f.origin = 1;
                        if (e.type == EventType::mobile_vendor) {
                            // a truck or cart comes in the category's two busiest slots
                            f.mobile = true;
                            f.origin = 3;
                            f.floor_area_m2 = static_cast<float>(std::min(20.0, sc.categories[cat].floor_area_m2));
                            std::vector<std::size_t> order(ns);
                            std::iota(order.begin(), order.end(), 0);
                            const auto& prof = sc.categories[cat].slot_profile;
                            std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return prof[a] > prof[b]; });
                            f.slot_mask = (1U << order[0]) | (ns > 1 ? 1U << order[1] : 0U);
                        }
                        add_facility(f, day);
                    }
                break;
            }
            case EventType::extend_hours:
                for (auto& f : w.facilities)
                    if (f.category == c && f.state == FacilityState::open && !f.mobile &&
                        (!e.district || f.district == sc.district_index(*e.district))) {
                        f.open_hour = static_cast<float>(e.open_hour);
                        f.close_hour = static_cast<float>(e.close_hour);
                        f.slot_mask = slot_mask(f);
                        touch(f);
                    }
                break;
            case EventType::multi_function:
                for (std::uint32_t id = 0; id < w.facilities.size(); ++id) {
                    auto& f = w.facilities[id];
                    if (f.category != c || f.state != FacilityState::open ||
                        (e.district && f.district != sc.district_index(*e.district)))
                        continue;
                    for (const auto& add : e.adds) {
                        const auto a = static_cast<std::size_t>(sc.category_index(add));
                        if (serves(f, a)) continue;
                        f.extra_categories |= std::uint64_t{1} << a;
                        add_to_table(id, a);
                    }
                }
                break;
            case EventType::map_app: {
                const CounterRng rng(sc.seed, kAppAdoption + index);
                for (auto d : districts_of(e)) {
                    const auto& members = district_residents[d];
                    std::int64_t users = 0;
                    for (auto i : members) users += w.residents.flags[i] & Residents::kMapApp;
                    const double now = members.empty() ? 1.0 : static_cast<double>(users) / members.size();
                    if (e.adoption <= now) continue;
                    const double p = (e.adoption - now) / (1.0 - now);
                    for (auto i : members)
                        if (!(w.residents.flags[i] & Residents::kMapApp) && rng.uniform(i) < p)
                            w.residents.flags[i] |= Residents::kMapApp;
                }
                break;
            }
            case EventType::new_housing: {
                const auto d = static_cast<std::size_t>(sc.district_index(*e.district));
                add_housing(d, e, index, day);
                break;
            }
        }
    }

    /// New housing: households of the district's mean size on its nodes, and commercial floor
    /// (commercial_share of the homes' floor, 100 m2 a household [E]) as shops of the
    /// categories worst covered in the district.
    void add_housing(std::size_t d, const PolicyEvent& e, std::size_t index, std::int64_t day) {
        const auto& dist = sc.districts[d];
        const CounterRng rng(sc.seed, kHousing + index);
        std::vector<std::uint32_t> nodes;
        for (std::uint32_t v = 0; v < w.network.num_nodes(); ++v)
            if (w.node_district[v] == d) nodes.push_back(v);
        if (nodes.empty()) return;
        const int size = std::max(1, static_cast<int>(std::lround(dist.household_size)));
        std::int64_t added = 0;
        std::uint64_t draw = 0;
        while (added < e.residents) {
            const std::uint32_t home = nodes[rng.below(draw++, nodes.size())];
            const auto household = static_cast<std::uint32_t>(w.num_households());
            for (int m = 0; m < size && added < e.residents; ++m, ++added) {
                double u = rng.uniform(draw++);
                int age = 0;
                while (age < kAgeGroups - 1 && u >= dist.age_shares[age]) u -= dist.age_shares[age++];
                if (m == 0 && age == 0) age = 1;  // an adult heads the household
                const auto id = static_cast<std::uint32_t>(w.residents.size());
                w.residents.home_node.push_back(home);
                w.residents.household.push_back(household);
                w.residents.district.push_back(static_cast<std::uint8_t>(d));
                w.residents.age.push_back(static_cast<std::uint8_t>(age));
                w.residents.flags.push_back(static_cast<std::uint8_t>(
                    (rng.uniform(draw++) < sc.map_app_use[age] ? Residents::kMapApp : 0) | (m == 0 ? Residents::kHead : 0)));
                district_residents[d].push_back(id);
                added_day.push_back(static_cast<std::int32_t>(day));
            }
            w.household_start.push_back(static_cast<std::uint32_t>(w.residents.size()));
        }
        resize_residents();
        const double floor = static_cast<double>(e.residents) / dist.household_size * 100.0 * e.commercial_share;
        int shops = static_cast<int>(floor / 80.0);
        // categories by coverage in the district, worst first (commercial ones only)
        const auto per_node = residents_per_node();
        std::vector<std::pair<double, std::size_t>> order;
        for (std::size_t c = 0; c < nc; ++c) {
            if (!is_commercial(sc.categories[c])) continue;
            const double ring = sc.categories[c].ring_minutes * 60.0 * sc.walking_speed[1];
            std::int64_t inside = 0, total = 0;
            for (std::uint32_t v = 0; v < w.network.num_nodes(); ++v)
                if (w.node_district[v] == d) {
                    total += per_node[v];
                    if (tables[c].distance(v, 0) <= ring) inside += per_node[v];
                }
            order.emplace_back(total ? static_cast<double>(inside) / total : 1.0, c);
        }
        std::stable_sort(order.begin(), order.end());
        for (std::size_t k = 0; shops > 0 && !order.empty(); ++k, --shops) {
            const auto c = order[k % order.size()].second;
            Facility f = make_facility(sc, best_site(d, c, per_node), static_cast<int>(c), static_cast<int>(d));
            f.origin = 1;
            add_facility(f, day);
        }
    }

    // ---------------------------------------------------------------- the day
    void simulate_day(std::int64_t day, const Date& date) {
        int day_type = date.weekday() >= 5 ? static_cast<int>(DayType::weekend) : static_cast<int>(DayType::weekday);
        for (const auto& h : sc.holidays)
            if (!(date < h.start) && !(h.end < date)) day_type = static_cast<int>(DayType::holiday);
        const auto& res = w.residents;
        const std::size_t n = res.size();
        const std::uint64_t counter0 = static_cast<std::uint64_t>(day) << 8;
        const NeedModel::Day today = needs_model.day(day_type);
        std::array<double, kAgeGroups> tenths_per_metre{};  // walking time, 1/10 minute a metre
        for (int a = 0; a < kAgeGroups; ++a) tenths_per_metre[a] = 1.0 / (sc.walking_speed[a] * 6.0);
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, kBlock), [&](const tbb::blocked_range<std::size_t>& range) {
            Tally& t = tallies.local();
            if (t.visits.size() < w.facilities.size()) t.resize(w.facilities.size(), nd, nc);
            // Eight residents at a time, in four passes over their needs, so that no branch
            // depends on a random draw (their outcomes are unpredictable by design), and each
            // loop is short enough for the processor to overlap several needs (measured faster
            // than one pass doing everything):
            // 1. counts: one Philox call pair for the eight (AVX2), each resident's count from
            //    word 0 and its first three needs written out whatever the count, the write
            //    position then moved by the count (residents with more needs, rare, make
            //    further calls one by one);
            // 2. each need's (category, slot), its tallies, and a prefetch of its cache block;
            // 3. each need's choice;
            // 4. the tallies of the choices.
            // Random words of a resident-day: call k's 4 words are words 4k .. 4k+3; word 0 is
            // the count, need k uses words 1 + 2k (category and slot) and 2 + 2k (choice).
            struct Need {                   // pass 1 writes the first three fields
                std::uint32_t resident;
                std::uint32_t cs_bits;      // then: category << 8 | slot
                std::uint32_t choice_bits;  // then: the facility chosen (-1: none)
                float distance;             // of the facility chosen
                const ChoiceCache::Block* block;
            };
            std::array<Need, PhiloxBatch::kLanes * (NeedModel::kMaxNeeds + 3)> need;
            auto put = [&need](std::size_t at, std::uint32_t i, std::uint32_t cs, std::uint32_t choice) {
                need[at].resident = i;
                need[at].cs_bits = cs;
                need[at].choice_bits = choice;
            };
            PhiloxBatch::Batch call0, call1;
            std::array<std::uint32_t, 4 * kCallsMax> words;
            for (std::size_t i0 = range.begin(); i0 < range.end(); i0 += PhiloxBatch::kLanes) {
                philox.eight(counter0, kNeeds + i0, call0);
                philox.eight(counter0 + 1, kNeeds + i0, call1);
                const std::size_t lanes = std::min<std::size_t>(PhiloxBatch::kLanes, range.end() - i0);
                std::size_t m = 0;
                for (std::size_t lane = 0; lane < lanes; ++lane) {
                    const auto i = static_cast<std::uint32_t>(i0 + lane);
                    const int count = today.count(res.age[i], res.flags[i] & Residents::kHead, call0[0][lane]);
                    r_needs[i] = static_cast<decltype(r_needs)::value_type>(r_needs[i] + count);
                    put(m, i, call0[1][lane], call0[2][lane]);
                    put(m + 1, i, call0[3][lane], call1[0][lane]);
                    put(m + 2, i, call1[1][lane], call1[2][lane]);
                    if (count > 3) [[unlikely]] {
                        for (std::size_t w = 0; w < 4; ++w) words[4 + w] = call1[w][lane];
                        for (std::uint64_t call = 2; 4 * call < 1 + 2 * static_cast<std::uint64_t>(count); ++call) {
                            const auto more = philox.one(counter0 + call, kNeeds + i);
                            std::copy(more.begin(), more.end(), words.begin() + static_cast<std::ptrdiff_t>(4 * call));
                        }
                        for (std::size_t k = 3; k < static_cast<std::size_t>(count); ++k)
                            put(m + k, i, words[1 + 2 * k], words[2 + 2 * k]);
                    }
                    m += static_cast<std::size_t>(count);
                }
                for (std::size_t q = 0; q < m; ++q) {
                    Need& e = need[q];
                    const std::size_t i = e.resident, d = res.district[i];
                    const auto [c, s] = today.category_slot(res.age[i], res.flags[i] & Residents::kHead, e.cs_bits);
                    ++t.needs[d * nc + static_cast<std::size_t>(c)];
                    t.night_needs[d] += night_slot[static_cast<std::size_t>(s)];
                    e.cs_bits = static_cast<std::uint32_t>(c) << 8 | static_cast<std::uint32_t>(s);
                    e.block = &cache.block(res.home_node[i], static_cast<std::size_t>(c));
                    __builtin_prefetch(e.block);
                    __builtin_prefetch(reinterpret_cast<const char*>(e.block) + 64);
                }
                for (std::size_t q = 0; q < m; ++q) {
                    Need& e = need[q];
                    const std::size_t i = e.resident, s = e.cs_bits & 0xFFU;
                    const bool nearest_only = !(res.flags[i] & Residents::kMapApp);
                    const float u = static_cast<float>(e.choice_bits >> 8) * 0x1.0p-24f;
                    const auto choice = cache.choose(*e.block, static_cast<int>(s), res.age[i], nearest_only, u);
                    e.choice_bits = static_cast<std::uint32_t>(choice.facility);
                    e.distance = choice.distance;
                }
                for (std::size_t q = 0; q < m; ++q) {
                    const Need& e = need[q];
                    const std::size_t i = e.resident, c = e.cs_bits >> 8, s = e.cs_bits & 0xFFU;
                    const std::size_t d = res.district[i];
                    const std::size_t dc = d * nc + c;
                    const int age = res.age[i];
                    const std::uint8_t night = night_slot[s];
                    const ChoiceCache::Choice choice{static_cast<std::int32_t>(e.choice_bits), e.distance};
                    if (choice.facility >= 0) [[likely]] {
                        const auto fid = static_cast<std::size_t>(choice.facility);
                        ++t.visits[fid];
                        t.revenue[fid] += spend_fen[c];
                        // walking time in 1/10 minute, rounded half up
                        t.walk[d] += static_cast<std::int64_t>(choice.distance * tenths_per_metre[age] + 0.5);
                        ++t.served[dc];
                        t.night_served[d] += night;
                    } else {
                        if ((default_mask[c] >> s) & 1U) ++t.lost_open[dc];
                        if (sc.categories[c].deliverable && sc.districts[d].delivery && (!night || in_programme[d])) {
                            ++t.delivered[dc];  // night delivery once the district is in the programme
                            if (night) ++t.night_delivered[d];
                        } else {
                            ++t.unmet[dc];
                            ++r_unmet[i];
                            if (night) ++r_night_unmet[i];
                        }
                    }
                }
            }
        }, tbb::simple_partitioner());
    }

    // ---------------------------------------------------------------- month and year
    void close_month(const Date& date, std::int64_t day, Results& res) {
        month_tally.clear();
        month_tally.resize(w.facilities.size(), nd, nc);
        for (auto& t : tallies) {
            month_tally.add(t);
            t.clear();
        }
        for (auto n : month_tally.needs) trips += n;
        year_tally.add(month_tally);
        // months since the first simulated one (the spin-up's, or the start's)
        const auto month_index = static_cast<std::uint64_t>(date.year * 12 + date.month - first_month);
        std::vector<std::int64_t> openings(nd, 0), closures(nd, 0);

        // economics: accounts, closures after sustained losses, background exits
        std::vector<std::int64_t> profit(w.facilities.size(), 0);
        const std::size_t existing = w.facilities.size();
        for (std::uint32_t id = 0; id < existing; ++id) {
            auto& f = w.facilities[id];
            if (f.state != FacilityState::open) continue;
            const auto& cat = sc.categories[f.category];
            if (!is_commercial(cat)) continue;
            const std::size_t cd = static_cast<std::size_t>(f.category) * nd + f.district;
            const auto account = month_account(cat, sc.economics, f, month_tally.revenue[id],
                                               f.district < nd ? rent_cut[cd] : 0.0, f.district < nd ? grant[cd] : 0.0);
            profit[id] = account.profit;
            f.cash_fen += account.profit;
            f.loss_months = account.loss ? static_cast<std::uint8_t>(std::min(255, f.loss_months + 1)) : 0;
            const double age_years = static_cast<double>(day - std::max<std::int64_t>(f.opened_day, sc.start.days() - 3 * 365)) / 365.25;
            const double p_exit = monthly_exit_probability(cat, sc.economics, f.opened_day == 0 ? 5.0 : age_years);
            const bool exits = CounterRng(sc.seed, kExit + id).uniform(month_index) < p_exit;
            if (f.loss_months >= sc.economics.loss_months || exits) {
                close_facility(id, day);
                if (f.district < nd) ++closures[f.district];
            }
        }
        // entry: where the month's needs that went unserved locally, in hours a new shop keeps,
        // would pay one
        const auto per_node = residents_per_node();
        for (std::size_t d = 0; d < nd; ++d)
            for (std::size_t c = 0; c < nc; ++c) {
                const auto& cat = sc.categories[c];
                if (!is_commercial(cat)) continue;
                const std::int64_t lost = month_tally.lost_open[d * nc + c];
                const double gross = static_cast<double>(lost) * static_cast<double>(spend_fen[c]) * cat.gross_margin;
                const double costs = static_cast<double>(fixed_costs_fen(cat)) * (1.0 - rent_cut[c * nd + d]) -
                                     100.0 * grant[c * nd + d];
                if (lost > 0 && gross >= sc.economics.entry_margin * costs) {
                    Facility f = make_facility(sc, best_site(d, c, per_node), static_cast<int>(c), static_cast<int>(d));
                    f.origin = 2;
                    add_facility(f, day + 1);
                    ++openings[d];
                }
            }
        profit.resize(w.facilities.size(), 0);
        // crowding for next month's choices
        crowding.resize(w.facilities.size(), 1.0f);
        for (std::size_t id = 0; id < w.facilities.size(); ++id) {
            const double capacity = std::max(1.0, static_cast<double>(w.facilities[id].floor_area_m2) *
                                                      sc.economics.capacity_visits_per_m2);
            const double load = id < month_tally.visits.size() ? static_cast<double>(month_tally.visits[id]) / capacity : 0.0;
            crowding[id] = static_cast<float>(1.0 / (1.0 + std::max(0.0, load - 1.0)));
        }
        rebuild_all();
        score_residents();

        // records
        for (std::uint32_t id = 0; id < w.facilities.size(); ++id) {
            const auto& f = w.facilities[id];
            if (f.state == FacilityState::closed && f.closed_day < day - 31) continue;  // long gone
            FacilityMonth fm;
            fm.facility = static_cast<std::int32_t>(id);
            fm.year = date.year;
            fm.month = date.month;
            fm.visits = id < month_tally.visits.size() ? month_tally.visits[id] : 0;
            fm.revenue_fen = id < month_tally.revenue.size() ? month_tally.revenue[id] : 0;
            fm.profit_fen = profit[id];
            fm.open = f.state == FacilityState::open;
            if (recording) res.facility_month.push_back(fm);
        }
        std::vector<std::int64_t> open_shops(nd, 0);
        for (const auto& f : w.facilities)
            if (f.state == FacilityState::open && f.district < nd) ++open_shops[f.district];
        for (std::size_t d = 0; d < nd; ++d) {
            DistrictMonth dm;
            dm.district = static_cast<std::int32_t>(d);
            dm.year = date.year;
            dm.month = date.month;
            dm.residents = static_cast<std::int64_t>(district_residents[d].size());
            for (std::size_t c = 0; c < nc; ++c) {
                dm.needs += month_tally.needs[d * nc + c];
                dm.served += month_tally.served[d * nc + c];
                dm.delivered += month_tally.delivered[d * nc + c];
                dm.unmet += month_tally.unmet[d * nc + c];
            }
            dm.night_needs = month_tally.night_needs[d];
            dm.night_served = month_tally.night_served[d];
            dm.night_delivered = month_tally.night_delivered[d];
            for (std::size_t c = 0; c < nc; ++c) dm.spend_fen += month_tally.served[d * nc + c] * spend_fen[c];
            dm.walk_deciminutes = month_tally.walk[d];
            for (auto i : district_residents[d]) dm.satisfied += r_satisfied[i];
            // the emulated survey: survey_sample residents drawn with replacement
            const auto& members = district_residents[d];
            if (!members.empty()) {
                const CounterRng rng(sc.seed, kSurvey + d);
                dm.survey_n = sc.survey_sample;
                for (int k = 0; k < sc.survey_sample; ++k)
                    dm.survey_satisfied += r_satisfied[members[rng.below(month_index * 100000 + static_cast<std::uint64_t>(k), members.size())]];
                std::tie(dm.survey_low, dm.survey_high) = wilson_interval(dm.survey_satisfied, dm.survey_n);
            }
            dm.shops_open = open_shops[d];
            dm.openings = openings[d];
            dm.closures = closures[d];
            dm.in_programme = in_programme[d];
            if (recording) res.district_month.push_back(dm);
        }
        std::fill(r_needs.begin(), r_needs.end(), 0);
        std::fill(r_unmet.begin(), r_unmet.end(), 0);
        std::fill(r_night_unmet.begin(), r_night_unmet.end(), 0);
    }

    /// Each resident's monthly score against its threshold. Ring scores depend only on the
    /// home node and the age group, so they are computed per (node, age) first.
    void score_residents() {
        const std::size_t nn = w.network.num_nodes();
        std::vector<float> parts(nn * kAgeGroups * 3, 0.0f);  // basic, quality, government
        std::array<int, 3> per_class{};
        for (const auto& c : sc.categories) ++per_class[static_cast<int>(c.cls)];
        tbb::parallel_for(std::size_t{0}, nn, [&](std::size_t v) {
            for (int a = 0; a < kAgeGroups; ++a) {
                std::array<double, 3> sum{};
                for (std::size_t c = 0; c < nc; ++c) {
                    const auto& cat = sc.categories[c];
                    sum[static_cast<int>(cat.cls)] +=
                        ring_score(tables[c].distance(static_cast<std::uint32_t>(v), 0),
                                   cat.ring_minutes * 60.0 * sc.walking_speed[a]);
                }
                for (int k = 0; k < 3; ++k)
                    parts[(v * kAgeGroups + a) * 3 + k] = static_cast<float>(per_class[k] ? sum[k] / per_class[k] : 1.0);
            }
        });
        const auto& res = w.residents;
        tbb::parallel_for(std::size_t{0}, res.size(), [&](std::size_t i) {
            const float* p = &parts[(res.home_node[i] * kAgeGroups + res.age[i]) * 3];
            ScoreParts sp;
            sp.basic = p[0];
            sp.quality = p[1];
            sp.government = p[2];
            sp.served = r_needs[i] ? 1.0 - static_cast<double>(r_unmet[i]) / r_needs[i] : 1.0;
            sp.night = r_night_unmet[i] ? 0.0 : 1.0;
            r_satisfied[i] = satisfaction_score(sc.satisfaction, sp) >= threshold[i] ? 1 : 0;
        });
    }

    void close_year(const Date& date, Results& res) {
        const auto per_node = residents_per_node();
        for (std::size_t d = 0; d < nd; ++d)
            for (std::size_t c = 0; c < nc; ++c) {
                CategoryYear cy;
                cy.district = static_cast<std::int32_t>(d);
                cy.category = static_cast<std::int32_t>(c);
                cy.year = date.year;
                cy.needs = year_tally.needs[d * nc + c];
                cy.served = year_tally.served[d * nc + c];
                cy.delivered = year_tally.delivered[d * nc + c];
                cy.unmet = year_tally.unmet[d * nc + c];
                for (const auto& f : w.facilities)
                    if (f.state == FacilityState::open && f.district == d && serves(f, c)) ++cy.shops_open;
                std::int64_t inside = 0;
                for (auto i : district_residents[d]) {
                    const double ring = sc.categories[c].ring_minutes * 60.0 * sc.walking_speed[w.residents.age[i]];
                    inside += tables[c].distance(w.residents.home_node[i], 0) <= ring;
                }
                cy.in_ring = district_residents[d].empty() ? 0.0 : static_cast<double>(inside) / district_residents[d].size();
                res.category_year.push_back(cy);
            }
        year_tally.clear();
        year_tally.resize(w.facilities.size(), nd, nc);
    }

    World w;
    const Scenario& sc;
    NeedModel needs_model;
    PhiloxBatch philox;  // the needs' random words
    std::size_t nd = 0, nc = 0, ns = 0;
    double radius = 0;
    std::vector<std::uint8_t> night_slot;  // 1 = a slot between 22:00 and 06:00 (bytes: read on every trip)
    std::vector<std::uint32_t> default_mask;  // slots a category's new shop is open
    std::vector<ReachTable> tables;
    std::vector<std::vector<std::uint32_t>> table_facility;
    std::unordered_map<std::uint64_t, std::uint32_t> local_index;
    std::vector<std::uint32_t> all_nodes;
    ChoiceCache cache;
    std::vector<float> crowding;
    std::vector<double> rent_cut, grant;  // [category x district]
    std::vector<std::uint8_t> in_programme;
    std::vector<std::vector<std::uint32_t>> district_residents;
    std::vector<std::int32_t> added_day;  ///< day each resident added by new housing moved in
    std::vector<std::uint8_t> dirty;  ///< per category: its choice cache needs a rebuild
    int first_month = 0;              ///< year * 12 + month of the first simulated month
    bool recording = true;            ///< false during the spin-up before the start
    mutable std::map<std::pair<std::size_t, double>, SiteBalls> site_balls_cache;  ///< (district, ring) -> balls
    std::vector<std::int64_t> spend_fen;
    std::vector<std::uint16_t> r_needs, r_unmet, r_night_unmet;
    std::vector<std::uint8_t> r_satisfied;
    std::vector<float> threshold;
    tbb::enumerable_thread_specific<Tally> tallies;
    Tally month_tally, year_tally;
    std::int64_t trips = 0;
};

}  // namespace detail

Results run_simulation(World world, const RunOptions& options) {
    detail::Simulation sim(std::move(world), options.simd);
    return sim.run(options);
}

}  // namespace lifecircle
