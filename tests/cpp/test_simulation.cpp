#include <algorithm>
#include <array>
#include <map>
#include <string>

#include <tbb/global_control.h>

#include "catch.hpp"
#include "core/hdf5_io.hpp"
#include "fixtures.hpp"
#include "models/world_builder.hpp"
#include "sim/recorder.hpp"
#include "sim/simulation.hpp"

using lifecircle::Results;
using lifecircle::Scenario;

namespace {

Scenario tiny() { return lifecircle::load_scenario(std::string(LIFECIRCLE_SOURCE_DIR) + "/configs/tiny.toml"); }

Results simulate(const Scenario& sc, int threads, std::optional<lifecircle::Date> until = std::nullopt,
                 bool simd = true) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    lifecircle::RunOptions options;
    options.until = until;
    options.simd = simd;
    return lifecircle::run_simulation(lifecircle::build_world(sc), options);
}

bool same(const Results& a, const Results& b) {
    auto dm = [](const lifecircle::DistrictMonth& m) {
        return std::tuple(m.district, m.year, m.month, m.residents, m.needs, m.served, m.delivered, m.unmet,
                          m.night_needs, m.night_served, m.night_delivered, m.spend_fen, m.walk_deciminutes,
                          m.satisfied, m.survey_satisfied, m.shops_open, m.openings, m.closures);
    };
    if (a.district_month.size() != b.district_month.size()) return false;
    for (std::size_t i = 0; i < a.district_month.size(); ++i)
        if (dm(a.district_month[i]) != dm(b.district_month[i])) return false;
    if (a.facility_month.size() != b.facility_month.size()) return false;
    for (std::size_t i = 0; i < a.facility_month.size(); ++i) {
        const auto& x = a.facility_month[i];
        const auto& y = b.facility_month[i];
        if (std::tie(x.facility, x.visits, x.revenue_fen, x.profit_fen, x.open) !=
            std::tie(y.facility, y.visits, y.revenue_fen, y.profit_fen, y.open))
            return false;
    }
    return a.trips == b.trips && a.world.facilities.size() == b.world.facilities.size();
}

/// Sums a district-month column over a district and year (-1: all).
template <class F>
std::int64_t total(const Results& r, F field, int district = -1, int year = -1) {
    std::int64_t sum = 0;
    for (const auto& m : r.district_month)
        if ((district < 0 || m.district == district) && (year < 0 || m.year == year)) sum += field(m);
    return sum;
}

double satisfaction(const Results& r, int district, int year) {
    double s = 0;
    int n = 0;
    for (const auto& m : r.district_month)
        if (m.district == district && m.year == year) {
            s += static_cast<double>(m.satisfied) / static_cast<double>(m.residents);
            ++n;
        }
    return s / n;
}

}  // namespace

TEST_CASE("identical results on 1 and 2 threads and for the same seed", "[engine][determinism]") {
    const auto sc = tiny();
    const lifecircle::Date until{2024, 9, 30};
    const auto one = simulate(sc, 1, until);
    const auto two = simulate(sc, 2, until);
    const auto again = simulate(sc, 2, until);
    CHECK(one.trips > 100000);
    CHECK(same(one, two));
    CHECK(same(two, again));
    auto other = sc;
    other.seed += 1;
    CHECK_FALSE(same(one, simulate(other, 2, until)));

    // the results files' datasets are byte-identical too
    lifecircle::test::TempDir dir;
    const auto a = dir.file("a.h5"), b = dir.file("b.h5");
    lifecircle::write_results(a, sc, one);
    lifecircle::write_results(b, sc, two);
    const auto fa = lifecircle::H5File::open(a), fb = lifecircle::H5File::open(b);
    for (const char* name : {"district_month/needs", "district_month/satisfied", "district_month/survey_satisfied",
                             "district_month/spend_fen", "facility_month/visits", "facility_month/profit_fen"})
        CHECK(fa.read<std::int64_t>(name) == fb.read<std::int64_t>(name));
    CHECK(fa.read<double>("district_month/survey_low") == fb.read<double>("district_month/survey_low"));
    CHECK(fa.read<double>("category_year/in_ring") == fb.read<double>("category_year/in_ring"));
}

TEST_CASE("the AVX2 and the portable code give identical results", "[engine][determinism]") {
    // The needs' random words come from an AVX2 Philox where the processor has it; results
    // must not depend on the machine. (On a machine without AVX2 both runs are portable.)
    const auto sc = tiny();
    const lifecircle::Date until{2024, 4, 30};
    const auto fast = simulate(sc, 2, until, true);
    const auto portable = simulate(sc, 2, until, false);
    CHECK(fast.trips > 50000);
    CHECK(same(fast, portable));
}

TEST_CASE("every need is served, delivered or unmet, and revenue equals spending", "[engine][conservation]") {
    const auto r = simulate(tiny(), 2);
    for (const auto& m : r.district_month) {
        REQUIRE(m.needs == m.served + m.delivered + m.unmet);
        REQUIRE(m.night_needs >= m.night_served + m.night_delivered);
    }
    for (const auto& c : r.category_year) REQUIRE(c.needs == c.served + c.delivered + c.unmet);
    std::int64_t revenue = 0;
    for (const auto& f : r.facility_month) revenue += f.revenue_fen;
    CHECK(revenue == total(r, [](const auto& m) { return m.spend_fen; }));
    CHECK(revenue > 0);
    // category-year flows add up to the district-month flows
    std::int64_t cy = 0;
    for (const auto& c : r.category_year) cy += c.needs;
    CHECK(cy == total(r, [](const auto& m) { return m.needs; }));
}

TEST_CASE("removing the only breakfast shop lowers satisfaction and raises unmet breakfast", "[engine][behaviour]") {
    auto with = tiny();
    with.events.clear();            // no planned shops: only the baseline...
    with.economics.entry_rate = 0;  // ...and no market entry

    auto without = with;
    without.districts[0].baseline["breakfast"] = 0;
    const lifecircle::Date until{2024, 6, 30};
    const auto a = simulate(with, 2, until), b = simulate(without, 2, until);
    const int breakfast = with.category_index("breakfast");
    auto unmet = [&](const Results& r) {
        for (const auto& c : r.category_year)
            if (c.district == 0 && c.category == breakfast) return c.unmet;
        return std::int64_t{-1};
    };
    CHECK(unmet(b) > unmet(a) + 1000);
    CHECK(satisfaction(b, 0, 2024) < satisfaction(a, 0, 2024));
}

TEST_CASE("a rent subsidy lowers closures in the subsidised category", "[engine][behaviour]") {
    auto base = tiny();
    base.events.clear();
    const int conv = base.category_index("convenience");
    base.categories[conv].rent_yuan_m2_month = 300;  // convenience stores lose money (costs 33,500 yuan/month)
    base.categories[conv].exit_per_year = 0;         // only economic closures count here
    auto subsidised = base;
    lifecircle::PolicyEvent e;
    e.date = base.start;
    e.type = lifecircle::EventType::subsidy;
    e.category = "convenience";
    e.rent_cut = 0.9;
    subsidised.events.push_back(e);
    auto closures = [&](const Results& r) {  // of the shops that were there at the start
        int n = 0;
        for (const auto& f : r.world.facilities)
            n += f.category == conv && f.origin == lifecircle::FacilityOrigin::baseline && f.closed_day >= 0;
        return n;
    };
    const auto a = simulate(base, 2), b = simulate(subsidised, 2);
    CHECK(closures(a) > 0);
    CHECK(closures(b) < closures(a));
}

TEST_CASE("24-hour stores raise the share of night needs served", "[engine][behaviour]") {
    auto base = tiny();
    base.events.clear();
    auto open_all_night = base;
    lifecircle::PolicyEvent e;
    e.date = base.start;
    e.type = lifecircle::EventType::extend_hours;
    e.category = "convenience";
    e.open_hour = 0;
    e.close_hour = 24;
    open_all_night.events.push_back(e);
    const lifecircle::Date until{2024, 6, 30};
    const auto a = simulate(base, 2, until), b = simulate(open_all_night, 2, until);
    auto share = [](const Results& r) {
        return static_cast<double>(total(r, [](const auto& m) { return m.night_served; })) /
               static_cast<double>(total(r, [](const auto& m) { return m.night_needs; }));
    };
    CHECK(total(a, [](const auto& m) { return m.night_needs; }) > 1000);
    CHECK(share(b) > share(a) + 0.2);
}

namespace {

/// Night needs served or delivered, over night needs, in district d (-1: all).
double night_share(const Results& r, int d = -1) {
    return static_cast<double>(total(
               r, [](const auto& m) { return m.night_served + m.night_delivered; }, d)) /
           static_cast<double>(total(
               r, [](const auto& m) { return m.night_needs; }, d));
}

/// The tiny town with no policy events, no market entry and no shop open at night: night
/// needs can only be delivered.
Scenario tiny_night() {
    auto sc = tiny();
    sc.events.clear();
    sc.economics.entry_rate = 0;
    for (auto& c : sc.categories) {
        c.exit_per_year = 0;
        c.close_hour = std::min(c.close_hour, 22.0);
    }
    return sc;
}

lifecircle::PolicyEvent join(const Scenario& sc, const std::string& district) {
    lifecircle::PolicyEvent e;
    e.date = sc.start;
    e.type = lifecircle::EventType::join_programme;
    e.district = district;
    return e;
}

}  // namespace

TEST_CASE("platforms deliver at night before the programme, it raises their night capacity, couriers limit it",
          "[engine][behaviour]") {
    const lifecircle::Date until{2024, 4, 30};
    const auto base = tiny_night();
    auto joined = base;
    joined.events.push_back(join(base, "东区"));
    const auto a = simulate(base, 2, until), b = simulate(joined, 2, until);
    // after the first month (whose couriers carry what they can: no orders yet to go by), each
    // month: the platforms' own night couriers deliver outside the programme (issue 22), and
    // the programme's night measure (twice the night couriers) delivers more
    const auto night_month = [](const Results& r, int d, int month) {
        for (const auto& m : r.district_month)
            if (m.district == d && m.month == month) return m.night_delivered;
        return std::int64_t{-1};
    };
    REQUIRE(base.delivery.programme_night_couriers > base.delivery.night_couriers);
    for (int month = 2; month <= 4; ++month) {
        CHECK(night_month(a, 0, month) > 0);
        CHECK(night_month(b, 0, month) > night_month(a, 0, month));
        CHECK(night_month(b, 1, month) == night_month(a, 1, month));  // the other district did not join
    }
    // with fewer couriers, fewer night orders are carried; with none, none
    auto thin = joined;
    thin.delivery.couriers_per_10k = 0.05;
    auto none = joined;
    none.delivery.couriers_per_10k = 0;
    const auto c = simulate(thin, 2, until), d = simulate(none, 2, until);
    const auto night_delivered = [](const Results& r) {
        return total(r, [](const auto& m) { return m.night_delivered; });
    };
    CHECK(night_delivered(c) < night_delivered(b));
    CHECK(night_delivered(c) > 0);
    CHECK(total(d, [](const auto& m) { return m.delivered; }) == 0);
    // delivery is never certain: app users order only a share of what they cannot find, and
    // the others not at all
    CHECK(night_share(b, 0) < 0.9);
}

TEST_CASE("a district without delivery-app users gets no delivery", "[engine][behaviour]") {
    auto sc = tiny_night();
    sc.events.push_back(join(sc, "东区"));
    sc.events.push_back(join(sc, "西区"));
    sc.districts[1].delivery_app_users = std::array<double, lifecircle::kAgeGroups>{0.0, 0.0, 0.0};
    const auto r = simulate(sc, 2, lifecircle::Date{2024, 4, 30});
    CHECK(total(
              r, [](const auto& m) { return m.delivered; }, 1) == 0);
    CHECK(total(
              r, [](const auto& m) { return m.delivered; }, 0) > 0);
    for (std::size_t i = 0; i < r.world.residents.size(); ++i)
        if (r.world.residents.district[i] == 1)
            CHECK_FALSE(r.world.residents.flags[i] & lifecircle::Residents::kDelivery);
}

TEST_CASE("an interrupted run stops at a day boundary with consistent tallies", "[engine]") {
    std::atomic<bool> stop{false};
    lifecircle::RunOptions options;
    options.stop = &stop;
    int days = 0;
    options.progress = [&](const lifecircle::Progress&) {
        if (++days == 40) stop = true;
    };
    const auto r = lifecircle::run_simulation(lifecircle::build_world(tiny()), options);
    CHECK(r.end == lifecircle::Date{2024, 2, 9});
    for (const auto& m : r.district_month) CHECK(m.needs == m.served + m.delivered + m.unmet);
}

TEST_CASE("a spin-up settles the market before the start but records only the run", "[engine]") {
    // Months simulated before the start must change the state the run starts from (shops
    // entered and left) while every record still begins at the start and conserves needs.
    auto base = tiny();
    auto spun = base;
    spun.spin_up_months = 6;
    const lifecircle::Date until{2024, 3, 31};
    const auto a = simulate(base, 2, until), b = simulate(spun, 2, until);
    REQUIRE(a.district_month.size() == b.district_month.size());
    CHECK(b.district_month.front().year == 2024);
    CHECK(b.district_month.front().month == 1);
    CHECK(b.end == until);
    for (const auto& m : b.district_month) CHECK(m.needs == m.served + m.delivered + m.unmet);
    for (const auto& f : b.facility_month) CHECK(f.year == 2024);
    // the run starts from the spun-up state: last month's crowding already shapes January's
    // choices (the run without spin-up starts uncrowded), so January's visits differ
    bool differs = false;
    for (std::size_t k = 0; k < a.facility_month.size() && k < b.facility_month.size(); ++k)
        differs |= a.facility_month[k].month == 1 && a.facility_month[k].visits != b.facility_month[k].visits;
    CHECK(differs);
    CHECK(b.trips > a.trips);  // the spin-up's trips were simulated too
}
