#include "sim/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <tuple>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include "core/covering.hpp"
#include "core/error.hpp"
#include "core/philox_batch.hpp"
#include "models/destination_choice.hpp"
#include "models/facility_reach.hpp"
#include "models/levers.hpp"
#include "models/market.hpp"
#include "models/needs.hpp"
#include "models/policy.hpp"
#include "models/satisfaction.hpp"
#include "sim/checkpoint.hpp"
#include "sim/day_loop.hpp"
#include "sim/ranks.hpp"
#include "sim/tally.hpp"

namespace lifecircle {

namespace detail {

/// The simulator: the day loop over the scenario period, composed of named steps that call
/// models/ (docs/architecture.md):
///   each day:        policy events due -> choice caches of changed categories -> trips
///   each month end:  tallies reduced -> market (accounts and exits, entry, crowding) ->
///                    choice caches -> satisfaction -> records
///   each year end:   (district, category) records
class Simulation {
  public:
    Simulation(World world, bool simd, const Ranks* ranks);
    /// Takes over a checkpoint's state (the world must be the checkpoint scenario's).
    void restore(RunState state);
    Results run(const RunOptions& options);

  private:
    /// The run's state at the month's end `day`, with the records `res` (null: the projects only).
    RunState capture(std::int64_t day, std::int64_t until, const Results* res = nullptr) const;
    void apply_events_due(const Date& date, std::int64_t day);
    void rebuild_changed_choices();
    void simulate_day(std::int64_t day, const Date& date);
    void close_month(const Date& date, std::int64_t day, Results& res);
    void record_month(const Date& date, std::int64_t day, std::uint64_t month_index, const MarketMonth& market,
                      Results& res);
    /// The month's score inputs, for re-scoring (docs/model.md, "Re-scoring")
    void record_scores(const Date& date, std::uint64_t month_index, const std::vector<ScorePlace>& places,
                       Results& res);
    void close_year(const Date& date, Results& res);
    void resize_residents();
    void update_delivery();
    void retender(const std::vector<std::uint32_t>& left, std::int64_t day);

    World m_world;
    const Scenario& m_sc;
    const Ranks& m_ranks;
    WorkShare m_share;  ///< the month end's work divided over the ranks (lists, entry pricing)
    std::size_t m_nd = 0, m_nc = 0;
    NeedModel m_needs;
    PhiloxBatch m_philox;  // the needs' random words
    FacilityReach m_reach;
    SiteChooser m_sites;       // where the plan's facilities go
    EntrySites m_entry_sites;  // where would-be entrants look
    PlanLevers m_levers;
    ChoiceCache m_cache;
    std::vector<float> m_crowding;           // per facility, last month's
    std::vector<std::uint32_t> m_all_nodes;  // nodes the choice cache covers
    std::vector<std::uint8_t> m_night_slot;  // 1 = a slot between 22:00 and 06:00 (bytes: read on every trip)
    std::vector<std::int64_t> m_spend_fen;   // per category
    std::vector<double> m_orders_per_day;    // per district x slot: last month's delivery orders a day
    std::vector<float> m_carried;            // per district x slot: the share of orders couriers carry
    std::vector<std::vector<std::uint32_t>> m_district_residents;
    std::vector<std::int32_t> m_added_day;  // day each resident added by new housing moved in
    std::vector<Project> m_projects;        // project lists drawn in the run (circle_plan), opened or queued
    std::vector<float> m_threshold;         // residents' satisfaction thresholds
    std::vector<std::uint8_t> m_satisfied;  // residents' verdicts of the last month
    ResidentTally m_resident_month;
    tbb::enumerable_thread_specific<Tally> m_tallies;
    Tally m_month, m_year;
    std::size_t m_next_event = 0;
    std::optional<std::int64_t> m_resumed_day;   // the checkpoint's last day, when resumed
    Results m_restored;                          // the checkpoint's records, when resumed
    std::vector<std::int64_t> m_restored_needs;  // the checkpoint's last month's needs, when resumed
    int m_first_month = 0;                       // year * 12 + month of the first simulated month
    bool m_recording = true;                     // false during the spin-up before the start
    std::int64_t m_trips = 0;
};

Simulation::Simulation(World world, bool simd, const Ranks* ranks)
    : m_world(std::move(world)),
      m_sc(m_world.scenario),
      m_ranks(ranks ? *ranks : Ranks::world()),
      m_share{
          m_ranks.rank(), m_ranks.size(), [r = &m_ranks](std::vector<std::int64_t>& words) { r->sum(words); },
          [r = &m_ranks](std::vector<double>& values, std::vector<std::int64_t>& index) { r->max_loc(values, index); }},
      m_nd(m_sc.districts.size()),
      m_nc(m_sc.categories.size()),
      m_needs(m_sc),
      m_philox(m_sc.seed, simd),
      m_levers(m_nd, m_nc) {
    for (const auto& e : m_sc.events)
        if (e.type == EventType::circle_plan && e.method == "exact" && !exact_cover_available())
            throw ConfigError(m_sc.path + ":" + std::to_string(e.line) + ": circle_plan (" + e.date.str() + ", " +
                              e.district.value_or("") +
                              "): method = \"exact\" needs HiGHS, and this build has none (scripts/highs.sh, then "
                              "rebuild); or give method = \"greedy\"");
    for (const auto& slot : m_sc.slots) m_night_slot.push_back(slot.start_hour >= 22.0 || slot.end_hour <= 6.0);
    for (auto& f : m_world.facilities) f.slot_mask = open_slots(f, m_sc.slots);
    for (const auto& cat : m_sc.categories) m_spend_fen.push_back(std::llround(cat.spend_yuan * 100.0));
    std::array<double, kAgeGroups> reach{};
    for (int a = 0; a < kAgeGroups; ++a) reach[a] = m_sc.max_walk_metres(a);
    m_reach = FacilityReach(m_world, ChoiceCache::kMaxK, *std::max_element(reach.begin(), reach.end()));
    m_reach.divide(m_share);  // the closings' reach updates, a share of the categories a rank
    m_all_nodes.resize(m_world.network.num_nodes());
    std::iota(m_all_nodes.begin(), m_all_nodes.end(), 0U);
    m_cache = ChoiceCache(m_all_nodes.size(), m_nc, ChoiceCache::kMaxK, reach);
    m_crowding.assign(m_world.facilities.size(), 1.0f);
    m_district_residents.assign(m_nd, {});
    for (std::uint32_t i = 0; i < m_world.residents.size(); ++i)
        m_district_residents[m_world.residents.district[i]].push_back(i);
    resize_residents();
    m_orders_per_day.assign(m_nd * Tally::kSlots, 0.0);
    update_delivery();
}

void Simulation::restore(RunState s) {
    if (s.facilities.size() < m_world.facilities.size() || s.residents.size() < m_world.residents.size())
        throw InputError("checkpoint: fewer facilities or residents than the scenario's world; a damaged file?");
    m_world.facilities = std::move(s.facilities);
    m_world.residents = std::move(s.residents);
    m_world.household_start = std::move(s.household_start);
    m_added_day = std::move(s.added_day);
    m_projects = std::move(s.records.projects);
    for (const auto& f : m_world.facilities)
        if ((f.district != kNoDistrict && f.district >= m_nd) || f.category >= m_nc ||
            f.node >= m_world.network.num_nodes())
            throw InputError("checkpoint: a facility outside the scenario's world; a damaged file?");
    for (std::size_t i = 0; i < m_world.residents.size(); ++i)
        if (m_world.residents.district[i] >= m_nd || m_world.residents.home_node[i] >= m_world.network.num_nodes() ||
            m_world.residents.age[i] >= kAgeGroups)
            throw InputError("checkpoint: a resident outside the scenario's world; a damaged file?");
    std::array<double, kAgeGroups> reach{};
    for (int a = 0; a < kAgeGroups; ++a) reach[a] = m_sc.max_walk_metres(a);
    m_reach = FacilityReach(m_world, ChoiceCache::kMaxK, *std::max_element(reach.begin(), reach.end()), s.reach_order);
    m_reach.divide(m_share);
    m_levers = std::move(s.levers);
    m_crowding = std::move(s.crowding);
    m_orders_per_day = std::move(s.orders_per_day);
    m_restored_needs = std::move(s.month_needs);
    for (const auto& site : s.floor_sites) {
        if (site.district >= m_nd || site.node >= m_world.network.num_nodes())
            throw InputError("checkpoint: a commercial floor outside the scenario's world; a damaged file?");
        m_entry_sites.add_floor(m_world, site.district, site.node, site.floor_left);
    }
    m_year = std::move(s.year);
    m_next_event = s.next_event;
    m_trips = s.trips;
    m_resumed_day = s.day;
    m_restored = std::move(s.records);
    m_district_residents.assign(m_nd, {});
    for (std::uint32_t i = 0; i < m_world.residents.size(); ++i)
        m_district_residents[m_world.residents.district[i]].push_back(i);
    resize_residents();
    update_delivery();
}

RunState Simulation::capture(std::int64_t day, std::int64_t until, const Results* res) const {
    RunState s;
    s.day = day;
    s.until = until;
    s.next_event = m_next_event;
    s.trips = m_trips;
    s.facilities = m_world.facilities;
    s.residents = m_world.residents;
    s.household_start = m_world.household_start;
    s.added_day = m_added_day;
    for (std::size_t c = 0; c < m_nc; ++c) s.reach_order.push_back(m_reach.facilities(c));
    s.levers = m_levers;
    s.crowding = m_crowding;
    s.orders_per_day = m_orders_per_day;
    s.month_needs = m_month.needs;
    for (std::size_t d = 0; d < m_entry_sites.districts(); ++d)
        for (const auto& site : m_entry_sites.floor(d))
            s.floor_sites.push_back({static_cast<std::uint32_t>(d), site.node, site.floor_left});
    s.year = m_year;
    if (res) each_record_table([&](auto table) { s.records.*table = res->*table; });
    s.records.projects = m_projects;
    return s;
}

Results Simulation::run(const RunOptions& options) {
    Results res;
    each_record_table([&](auto table) { res.*table = std::move(m_restored.*table); });  // a checkpoint's
    const Date last = options.until ? std::min(*options.until, m_sc.end) : m_sc.end;
    if (last < m_sc.start)
        throw ArgumentError("--until " + last.str() + " is before the scenario's start " + m_sc.start.str());
    res.threads = static_cast<int>(
        std::min<std::size_t>(static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()),
                              tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism)));
    const auto t0 = std::chrono::steady_clock::now();
    // the spin-up: whole months before the start, simulated but not recorded
    const Date spin = m_sc.first_simulated_day();  // (the start itself without one)
    m_first_month = spin.year * 12 + spin.month;
    const std::int64_t first = spin.days();
    const std::int64_t final_day = last.days();
    if (m_resumed_day && *m_resumed_day > final_day)
        throw ArgumentError("--until " + last.str() + " is before the checkpoint's day " +
                            Date::from_days(*m_resumed_day).str());
    if (m_resumed_day && !(Date::from_days(*m_resumed_day) < m_sc.start)) res.end = Date::from_days(*m_resumed_day);
    const bool checkpoints = options.checkpoint_every > 0 && !options.checkpoint_path.empty();
    CheckpointWriter checkpoints_out;  // written beside the next month's days
    m_reach.mark_all_changed();
    rebuild_changed_choices();
    m_month.resize(m_world.facilities.size(), m_nd, m_nc);
    if (!m_restored_needs.empty()) m_month.needs = std::move(m_restored_needs);  // what lists price by
    m_year.resize(m_world.facilities.size(), m_nd, m_nc);
    for (std::int64_t day = m_resumed_day ? *m_resumed_day + 1 : first; day <= final_day; ++day) {
        // a stop request: stop before the day, or (checkpoints on) at the month's end below
        const bool stopping = options.stop && options.stop->load();
        if (stopping && !(checkpoints && options.checkpoint_on_stop)) break;
        const Date date = Date::from_days(day);
        apply_events_due(date, day);
        const auto trips_start = std::chrono::steady_clock::now();
        simulate_day(day, date);
        res.trip_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - trips_start).count();
        const Date tomorrow = Date::from_days(day + 1);
        m_recording = !(date < m_sc.start);
        if (tomorrow.month != date.month || day == final_day) {
            close_month(date, day, res);
            const bool year_end = tomorrow.year != date.year;
            if (m_recording && year_end) close_year(date, res);
            if (!m_recording && !(tomorrow < m_sc.start)) {  // the run starts tomorrow
                m_year.clear();
                if (options.spin_up_done) options.spin_up_done(capture(day, day, &res));
            }
            // checkpoints at true month ends, before a partial year is closed (below): a run
            // resumed from it goes on with that year
            const int months_done = date.year * 12 + date.month - m_first_month + 1;
            if (checkpoints && m_ranks.rank() == 0 && tomorrow.month != date.month &&
                (months_done % options.checkpoint_every == 0 || stopping))
                checkpoints_out.write(options.checkpoint_path, m_sc, capture(day, final_day), res);
            if (options.snapshot_done && day == options.snapshot_day && tomorrow.month != date.month)
                options.snapshot_done(capture(day, final_day, &res));  // (where a checkpoint would be)
            const bool run_ends = day == final_day || stopping;
            if (m_recording && !year_end && run_ends) close_year(date, res);  // the year so far
            if (stopping) {
                if (m_recording) res.end = date;
                break;
            }
        }
        if (m_recording) res.end = date;
        if (options.progress) {
            Progress p;
            p.date = date;
            p.fraction = static_cast<double>(day - first + 1) / static_cast<double>(final_day - first + 1);
            p.trips = m_trips;
            p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            options.progress(p);
        }
    }
    // resumed at its last day: nothing to simulate, but the year so far to close as the run did
    if (m_resumed_day && *m_resumed_day == final_day) {
        const Date date = Date::from_days(final_day);
        if (!(date < m_sc.start) && Date::from_days(final_day + 1).year == date.year) close_year(date, res);
    }
    checkpoints_out.finish();  // the last checkpoint whole before the run returns (its time counted)
    res.trips = m_trips;
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // the working tables go before the results' copies are made (on 10 M residents the
    // per-resident copy below was the run's peak of memory)
    m_cache = ChoiceCache();
    m_reach = FacilityReach();
    m_entry_sites = EntrySites();
    m_sites = SiteChooser();
    m_district_residents = {};
    m_resident_month = ResidentTally();
    m_threshold = {};
    m_satisfied = {};
    res.ranks = m_ranks.size();
    res.bytes_reduced = m_ranks.bytes_reduced();
    res.resident_added_day.assign(m_world.residents.size(), 0);
    std::copy(m_added_day.begin(), m_added_day.end(),
              res.resident_added_day.end() - static_cast<std::ptrdiff_t>(m_added_day.size()));
    res.projects = m_projects;
    res.world = std::move(m_world);  // the simulation ends here
    return res;
}

/// The scenario's events dated up to today, in file order (models/policy.hpp), then the
/// project lists' openings due.
void Simulation::apply_events_due(const Date& date, std::int64_t day) {
    PolicyTarget target{m_world,     m_reach,    m_sites,      m_levers, m_district_residents,
                        m_added_day, m_projects, m_entry_sites};
    target.cache = &m_cache;
    target.needs = m_month.needs;  // last month's (this month's are summed at its end)
    target.spend_fen = m_spend_fen;
    target.share = &m_share;
    bool changed = end_rules_due(day, target);  // standing rules that ended yesterday
    while (m_next_event < m_sc.events.size() && m_sc.events[m_next_event].date <= date) {
        apply_event(m_sc.events[m_next_event], m_next_event, day, target);
        ++m_next_event;
        changed = true;
    }
    // the project lists' openings due today, after the day's events (a list drawn today opens
    // its first project today)
    changed = open_projects_due(day, target) || changed;
    if (!changed) return;
    m_crowding.resize(m_world.facilities.size(), 1.0f);  // a new facility is not crowded yet
    m_month.resize(m_world.facilities.size(), m_nd, m_nc);
    resize_residents();
    update_delivery();  // the programme brings night delivery; new housing, residents
    rebuild_changed_choices();
}

/// Rebuilds the choice cache of the categories whose facilities changed (all of them at a
/// month's end, when crowding changes every weight): where only openings and closings changed
/// a category, only the blocks of the nodes whose reach rows they touched (a block depends
/// only on its node's row, its facilities and their crowding, so the rest are as a whole
/// rebuild would make them). A month's entrants touch about half the nodes of a category on a
/// large town (measured on 644,000 nodes: 50,000 to 410,000 of them, each noted up to twice),
/// so those rows are counted once before choosing between the two.
void Simulation::rebuild_changed_choices() {
    const std::size_t nn = m_all_nodes.size();
    std::vector<std::uint8_t> seen;
    for (std::size_t c = 0; c < m_nc; ++c) {
        if (!m_reach.changed(c)) continue;
        const auto& table = m_reach.table(c);
        const auto& facilities = m_reach.facilities(c);
        const double decay = m_sc.categories[c].decay;
        if (m_reach.changed_everywhere(c)) {
            m_cache.rebuild(c, table, facilities, m_world.facilities, m_crowding, decay, m_all_nodes);
            continue;
        }
        seen.assign(nn, 0);  // the noted rows marked, then read in node order, each once
        for (const auto v : m_reach.changed_nodes(c)) seen[v] = 1;
        std::vector<std::uint32_t> nodes;
        for (std::uint32_t v = 0; v < nn; ++v)
            if (seen[v]) nodes.push_back(v);
        m_cache.rebuild_nodes(c, table, facilities, m_world.facilities, m_crowding, decay, nodes);
    }
    m_reach.clear_changed();
}

void Simulation::simulate_day(std::int64_t day, const Date& date) {
    TripDay trip_day;
    trip_day.day = day;
    trip_day.world = &m_world;
    trip_day.needs = m_needs.day(static_cast<int>(day_type(m_sc, date)));
    trip_day.cache = &m_cache;
    trip_day.philox = &m_philox;
    trip_day.carried = &m_carried;
    trip_day.night_slot = &m_night_slot;
    trip_day.spend_fen = &m_spend_fen;
    for (int a = 0; a < kAgeGroups; ++a) trip_day.tenths_per_metre[a] = 1.0 / (m_sc.walking_speed[a] * 6.0);
    std::tie(trip_day.first, trip_day.last) = m_ranks.share(m_world.residents.size());
    simulate_trips(trip_day, m_tallies, m_resident_month);
}

void Simulation::close_month(const Date& date, std::int64_t day, Results& res) {
    // the threads' tallies, summed (integers: any order gives the same totals)
    m_month.clear();
    m_month.resize(m_world.facilities.size(), m_nd, m_nc);
    for (auto& t : m_tallies) {
        m_month.add(t);
        t.clear();
    }
    // and over the ranks: every rank goes on from the city's totals. Residents' months stay
    // on their rank (each scores its own share, below), except in a month whose score inputs
    // are recorded: every resident's then, for the records
    const bool score_records = m_recording && m_sc.satisfaction.records(date);
    if (m_ranks.many()) {
        m_month.each_column([&](Tally::Column c) { m_ranks.sum(m_month.*c); });
        if (score_records) {
            m_ranks.sum(m_resident_month.needs);
            m_ranks.sum(m_resident_month.unmet);
            m_ranks.sum(m_resident_month.night_unmet);
        }
    }
    for (auto n : m_month.needs) m_trips += n;
    m_year.add(m_month);
    const double days = static_cast<double>(date.day);  // the month's days (this is its last)
    for (std::size_t ds = 0; ds < m_orders_per_day.size(); ++ds)
        m_orders_per_day[ds] = static_cast<double>(m_month.orders[ds]) / days;
    update_delivery();
    // months since the first simulated one (the spin-up's, or the start's)
    const auto month_index = static_cast<std::uint64_t>(date.year * 12 + date.month - m_first_month);

    MarketMonth market;
    settle_accounts(m_world, m_reach, m_levers, m_month.revenue, day, date.day, month_index, market);
    retender(market.retender, day);
    update_crowding(m_world, m_month.visits, m_crowding);
    m_reach.mark_all_changed();  // crowding changes every weight
    rebuild_changed_choices();
    // entrants price their sites against the shops still open, with next month's weights
    enter_market(m_world, m_reach, m_entry_sites, m_cache, m_levers, m_month.needs, m_spend_fen, day, month_index,
                 market, m_share);
    market.profit.resize(m_world.facilities.size(), 0);
    m_crowding.resize(m_world.facilities.size(), 1.0f);  // a new shop is not crowded yet
    rebuild_changed_choices();                           // the categories entrants joined
    const std::vector<ScorePlace> places = score_places(m_world, m_reach);
    const auto [first, last] = m_ranks.share(m_world.residents.size());
    score_residents(m_world, places,
                    {m_resident_month.needs, m_resident_month.unmet, m_resident_month.night_unmet, m_threshold},
                    m_satisfied, first, last);
    record_month(date, day, month_index, market, res);
    if (score_records) record_scores(date, month_index, places, res);
    m_resident_month.clear();
    std::fill(m_levers.capital_fen.begin(), m_levers.capital_fen.end(), 0);  // recorded, or spin-up
}

void Simulation::record_month(const Date& date, std::int64_t day, std::uint64_t month_index, const MarketMonth& market,
                              Results& res) {
    if (!m_recording) return;
    const auto& month = m_month;
    for (std::uint32_t id = 0; id < m_world.facilities.size(); ++id) {
        const auto& f = m_world.facilities[id];
        if (f.state == FacilityState::closed && f.closed_day < day - 31) continue;  // long gone
        FacilityMonth fm;
        fm.facility = static_cast<std::int32_t>(id);
        fm.year = date.year;
        fm.month = date.month;
        fm.visits = id < month.visits.size() ? month.visits[id] : 0;
        fm.revenue_fen = id < month.revenue.size() ? month.revenue[id] : 0;
        fm.profit_fen = market.profit[id];
        fm.open = f.state == FacilityState::open;
        res.facility_month.push_back(fm);
    }
    std::vector<std::int64_t> open_shops(m_nd, 0), support(m_nd, 0);
    std::vector<std::int64_t> public_baseline = market.public_baseline;
    for (const auto& f : m_world.facilities)
        if (f.state == FacilityState::open && f.district < m_nd) ++open_shops[f.district];
    // support a visit (an elder canteen's meal) is paid where a public or contracted operator
    // serves it: the plan's cost at the facilities it placed, the city's at those before it
    for (std::size_t id = 0; id < m_world.facilities.size() && id < month.visits.size(); ++id) {
        const auto& f = m_world.facilities[id];
        const double per_visit = m_sc.categories[f.category].support_yuan_visit;
        if (per_visit > 0 && f.district < m_nd && f.operator_ != Operator::private_)
            (f.origin == FacilityOrigin::planned ? support : public_baseline)[f.district] +=
                std::llround(100.0 * per_visit * static_cast<double>(month.visits[id]));
    }
    // residents satisfied and the survey's satisfied respondents per district, each rank
    // counting its own share of the residents (whose verdicts it scored), summed over ranks
    const auto [first, last] = m_ranks.share(m_world.residents.size());
    const auto own = [&](std::uint32_t i) { return i >= first && i < last; };
    std::vector<std::int64_t> counts(2 * m_nd, 0);  // satisfied, survey satisfied
    for (std::size_t d = 0; d < m_nd; ++d) {
        for (auto i : m_district_residents[d])
            if (own(i)) counts[2 * d] += m_satisfied[i];
        for (auto i : survey_sample(m_sc.seed, d, month_index, m_sc.survey_sample, m_district_residents[d]))
            if (own(i)) counts[2 * d + 1] += m_satisfied[i];
    }
    if (m_ranks.many()) m_ranks.sum(counts);
    for (std::size_t d = 0; d < m_nd; ++d) {
        DistrictMonth dm;
        dm.district = static_cast<std::int32_t>(d);
        dm.year = date.year;
        dm.month = date.month;
        dm.residents = static_cast<std::int64_t>(m_district_residents[d].size());
        for (std::size_t c = 0; c < m_nc; ++c) {
            const std::size_t dc = district_category(d, c, m_nc);
            dm.needs += month.needs[dc];
            dm.served += month.served[dc];
            dm.delivered += month.delivered[dc];
            dm.unmet += month.unmet[dc];
            dm.spend_fen += month.served[dc] * m_spend_fen[c];
        }
        dm.night_needs = month.night_needs[d];
        dm.night_served = month.night_served[d];
        dm.night_delivered = month.night_delivered[d];
        dm.walk_deciminutes = month.walk[d];
        dm.served_15min = month.within15[d];
        dm.satisfied = counts[2 * d];
        const Survey survey = survey_record(m_sc.survey_sample, counts[2 * d + 1], m_district_residents[d].size());
        dm.survey_n = survey.n;
        dm.survey_satisfied = survey.satisfied;
        dm.survey_low = survey.low;
        dm.survey_high = survey.high;
        dm.shops_open = open_shops[d];
        dm.openings = market.openings[d];
        dm.closures = market.closures[d];
        dm.in_programme = m_levers.in_programme[d];
        dm.subsidy_fen = market.subsidy[d];
        dm.capital_fen = m_levers.capital_fen[d];
        dm.support_fen = support[d];
        dm.operating_fen = market.operating[d];
        dm.public_baseline_fen = public_baseline[d];
        res.district_month.push_back(dm);
    }
}

void Simulation::record_scores(const Date& date, std::uint64_t month_index, const std::vector<ScorePlace>& places,
                               Results& res) {
    ScoreMonth sm;
    sm.year = date.year;
    sm.month = date.month;
    sm.month_index = static_cast<std::int64_t>(month_index);
    sm.residents = static_cast<std::int64_t>(m_world.residents.size());
    res.score_month.push_back(sm);
    res.score_place.insert(res.score_place.end(), places.begin(), places.end());
    const auto& rm = m_resident_month;
    for (std::size_t i = 0; i < m_world.residents.size(); ++i)
        res.score_resident.push_back({rm.needs[i], rm.unmet[i], static_cast<std::uint8_t>(rm.night_unmet[i] ? 1 : 0)});
}

void Simulation::close_year(const Date& date, Results& res) {
    for (std::size_t d = 0; d < m_nd; ++d)
        for (std::size_t c = 0; c < m_nc; ++c) {
            const std::size_t dc = district_category(d, c, m_nc);
            CategoryYear cy;
            cy.district = static_cast<std::int32_t>(d);
            cy.category = static_cast<std::int32_t>(c);
            cy.year = date.year;
            cy.needs = m_year.needs[dc];
            cy.served = m_year.served[dc];
            cy.delivered = m_year.delivered[dc];
            cy.unmet = m_year.unmet[dc];
            for (const auto& f : m_world.facilities)
                if (f.state == FacilityState::open && f.district == d && serves(f, c)) ++cy.shops_open;
            std::int64_t inside = 0;
            for (auto i : m_district_residents[d])
                inside +=
                    m_reach.nearest(c, m_world.residents.home_node[i]) <= m_sc.ring_metres(c, m_world.residents.age[i]);
            const auto& members = m_district_residents[d];
            cy.in_ring = members.empty() ? 0.0 : static_cast<double>(inside) / members.size();
            res.category_year.push_back(cy);
        }
    m_year.clear();
    m_year.resize(m_world.facilities.size(), m_nd, m_nc);
}

/// The share of delivery orders couriers carry in each district and slot: their capacity (couriers
/// per 10,000 residents x the slot's hours x orders an hour, fewer at night: the platforms' own
/// night share, raised by the plan's night measure once the district joins) over last month's
/// orders a day, at most 1. None where the district has no delivery.
void Simulation::update_delivery() {
    const DeliveryModel& m = m_sc.delivery;
    m_carried.assign(m_nd * Tally::kSlots, 0.0f);
    for (std::size_t d = 0; d < m_nd; ++d) {
        if (!m_sc.districts[d].delivery) continue;
        const double couriers = static_cast<double>(m_district_residents[d].size()) / 10000.0 * m.couriers_per_10k;
        for (std::size_t s = 0; s < m_sc.slots.size(); ++s) {
            const bool night = m_night_slot[s] != 0;
            const double night_share = m_levers.in_programme[d] ? m.programme_night_couriers : m.night_couriers;
            const double hours = m_sc.slots[s].end_hour - m_sc.slots[s].start_hour;
            const double capacity = couriers * hours * m.orders_per_courier_hour * (night ? night_share : 1.0);
            const double orders = m_orders_per_day[d * Tally::kSlots + s];
            // (the first month has no orders to go by: its couriers carry what capacity there is)
            m_carried[d * Tally::kSlots + s] = static_cast<float>(capacity <= 0.0     ? 0.0
                                                                  : orders > capacity ? capacity / orders
                                                                                      : 1.0);
        }
    }
}

/// Public_private facilities whose operator left: their sites reopen by tender, as projects
/// (list -1) of the same category, operator and origin, `retender_months` months later.
void Simulation::retender(const std::vector<std::uint32_t>& left, std::int64_t day) {
    for (const auto id : left) {
        const Facility& f = m_world.facilities[id];
        if (f.district >= m_nd) continue;
        const Date closed = Date::from_days(day);
        const int m = closed.month - 1 + 1 + m_sc.categories[f.category].retender_months;  // from next month's first
        Project p;
        p.district = f.district;
        p.category = f.category;
        p.list = -1;
        p.round = 0;
        p.site = f.node;
        p.x = m_world.network.x()[f.node];
        p.y = m_world.network.y()[f.node];
        p.drawn_day = static_cast<std::int32_t>(day);
        p.open_day = static_cast<std::int32_t>(Date{closed.year + m / 12, m % 12 + 1, 1}.days());
        p.operator_ = static_cast<std::uint8_t>(f.operator_);
        p.origin = static_cast<std::uint8_t>(f.origin);
        p.support_yuan_month = f.grant_yuan;
        if (p.open_day <= m_sc.end.days()) m_projects.push_back(p);
    }
}

/// Per-resident state for residents new housing added.
void Simulation::resize_residents() {
    const std::size_t n = m_world.residents.size();
    m_resident_month.resize(n);
    m_satisfied.resize(n, 0);
    while (m_threshold.size() < n)
        m_threshold.push_back(satisfaction_threshold(m_sc.satisfaction, m_sc.seed, m_threshold.size()));
}

}  // namespace detail

Results run_simulation(World world, const RunOptions& options) {
    detail::Simulation sim(std::move(world), options.simd, options.ranks);
    return sim.run(options);
}

Results resume_simulation(World world, RunState state, const RunOptions& options) {
    RunOptions resumed = options;  // without an --until of its own, to the checkpoint's run's end
    if (!resumed.until) resumed.until = Date::from_days(state.until);
    detail::Simulation sim(std::move(world), options.simd, options.ranks);
    sim.restore(std::move(state));
    return sim.run(resumed);
}

}  // namespace lifecircle
