// The market (models/market.hpp): shops' accounts, exits after losses and by background
// hazard, entry on expected profit, crowding.
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "catch.hpp"
#include "core/world.hpp"
#include "fixtures.hpp"
#include "models/destination_choice.hpp"
#include "models/facility_reach.hpp"
#include "models/levers.hpp"
#include "models/market.hpp"
#include "models/world_builder.hpp"

using namespace lifecircle;

namespace {

/// The tiny town without background exits (so that only accounts close shops).
World quiet_world() {
    Scenario sc = test::tiny_scenario();
    for (auto& c : sc.categories) c.exit_per_year = 0.0;
    return build_world(sc);
}

std::uint32_t first_of(const World& w, const char* category, std::size_t district) {
    const int c = w.scenario.category_index(category);
    for (std::uint32_t id = 0; id < w.facilities.size(); ++id)
        if (w.facilities[id].category == c && w.facilities[id].district == district) return id;
    FAIL("no " << category << " in district " << district);
    return 0;
}

}  // namespace

TEST_CASE("a month's account: gross margin less rent after the cut, staff, other costs and grant", "[market]") {
    const Scenario sc = test::tiny_scenario();
    const Category& conv = sc.categories[static_cast<std::size_t>(sc.category_index("convenience"))];
    Facility f;
    f.floor_area_m2 = 80;
    // rent 80 m2 x 45 = 3,600 yuan, staff 7,000, other 1,500: 12,100 yuan = 1,210,000 fen
    CHECK(fixed_costs_fen(conv) == 1'210'000);
    auto a = month_account(conv, sc.economics, f, 1'000'000, {}, 30);
    CHECK(a.gross == 173'000);
    CHECK(a.costs == 1'210'000);
    CHECK(a.profit == 173'000 - 1'210'000);
    CHECK(a.loss);
    a = month_account(conv, sc.economics, f, 1'000'000, {.rent_cut = 0.5, .grant_yuan = 2000.0},
                      30);  // half the rent, 2,000 yuan grant
    CHECK(a.costs == 180'000 + 850'000 - 200'000);
}

TEST_CASE("a loss month is gross below 85% of costs: just below counts, 85-100% does not", "[market]") {
    // models/market.cpp month_account: loss = gross < breakeven_share x costs (strictly), so a
    // month that loses money but covers 85% of its costs is not a loss month. Each side of 85%
    // is tested: with revenue above 100% of costs only, a rule of "gross < costs" would pass too.
    const Scenario sc = test::tiny_scenario();
    REQUIRE(sc.economics.breakeven_share == 0.85);  // the figures below are 85% of 1,210,000 fen
    const Category& conv = sc.categories[static_cast<std::size_t>(sc.category_index("convenience"))];
    Facility f;
    f.floor_area_m2 = 80;
    auto at = [&](std::int64_t revenue) { return month_account(conv, sc.economics, f, revenue, {}, 30); };
    // 85% of 1,210,000 fen of costs is 1,028,500 fen of gross margin (17.3% of revenue)
    const auto below = at(5'945'081);  // gross 1,028,499: one fen short of 85%
    REQUIRE(below.gross == 1'028'499);
    CHECK(below.loss);                    // just below 85%: a loss month
    const auto at_share = at(5'945'087);  // gross 1,028,500: exactly 85%
    REQUIRE(at_share.gross == 1'028'500);
    CHECK_FALSE(at_share.loss);          // "below" is strict: 85% itself is not a loss month
    const auto between = at(6'434'682);  // gross 1,113,200: 92% of costs
    REQUIRE(between.gross == 1'113'200);
    CHECK(between.profit < 0);         // it loses money ...
    CHECK_FALSE(between.loss);         // ... but above 85% it is not a loss month
    const auto above = at(7'000'000);  // gross 1,211,000: above 100%
    CHECK(above.profit > 0);
    CHECK_FALSE(above.loss);  // a profit is never a loss month
}

TEST_CASE("settle_accounts counts loss months below 85% of costs only, and closes on them alone",
          "[market][behaviour]") {
    // the same rule through the month's settlement: loss_months counts months below 85% in a
    // row; a shop covering 92% of its costs loses cash every month yet never counts one
    World w = quiet_world();
    FacilityReach reach(w, ChoiceCache::kMaxK, 1500.0);
    PlanLevers levers(w.scenario.districts.size(), w.scenario.categories.size());
    const auto below = first_of(w, "convenience", 0), between = first_of(w, "convenience", 1);
    std::vector<std::int64_t> revenue(w.facilities.size(), 0);
    revenue[below] = 5'945'081;    // gross 1,028,499 fen: one fen short of 85% of 1,210,000
    revenue[between] = 6'434'682;  // gross 1,113,200 fen: 92%
    MarketMonth out;
    const int months = w.scenario.economics.loss_months;
    for (int month = 0; month < months; ++month) {
        INFO("month " << month);
        CHECK(w.facilities[below].state == FacilityState::open);
        settle_accounts(w, reach, levers, revenue, 20000 + 30 * month, 30, static_cast<std::uint64_t>(month), out);
        CHECK(out.profit[between] < 0);                 // loses money every month ...
        CHECK(w.facilities[between].loss_months == 0);  // ... but above 85%: no loss month counted
        if (month + 1 < months) CHECK(w.facilities[below].loss_months == month + 1);  // just below: counted
    }
    CHECK(w.facilities[below].state == FacilityState::closed);  // loss_months in a row: closed
    CHECK(w.facilities[between].state == FacilityState::open);  // never a loss month: open
}

TEST_CASE("operators: a public facility never closes for money, a contract's deficit is covered up to its cap",
          "[market][behaviour]") {
    // issue 22 / plan item 17: the plan's public services do not go bankrupt like shops. The
    // same convenience store losing money every month under each operator.
    World w = quiet_world();
    const std::size_t conv = static_cast<std::size_t>(w.scenario.category_index("convenience"));
    const auto id = first_of(w, "convenience", 0);
    std::vector<std::int64_t> revenue(w.facilities.size(), 0);
    revenue[id] = 2'000'000;  // gross 346,000 fen against 1,210,000 of costs: 864,000 short a month
    const std::int64_t deficit = 1'210'000 - 346'000;
    const int months = 8;
    struct Case {
        Operator op;
        double cap_yuan;
        bool open_after;              // still open after `months` months
        std::int64_t public_a_month;  // public money a month while open, fen
    };
    for (const Case k : {Case{Operator::private_, 0, false, 0}, Case{Operator::public_, 0, true, deficit},
                         Case{Operator::public_private, 9000, true, deficit},      // the cap covers it all
                         Case{Operator::public_private, 5000, false, 500'000}}) {  // 3,640 yuan short
        INFO("operator " << kOperatorNames[static_cast<std::size_t>(k.op)] << ", cap " << k.cap_yuan);
        World run = w;
        run.scenario.categories[conv].contract_cap_yuan_month = k.cap_yuan;
        run.scenario.categories[conv].contract_months = 4;
        run.facilities[id].operator_ = k.op;
        run.facilities[id].origin = FacilityOrigin::planned;  // the plan's: operating cost is the plan's
        FacilityReach reach(run, ChoiceCache::kMaxK, 1500.0);
        PlanLevers levers(run.scenario.districts.size(), run.scenario.categories.size());
        MarketMonth out;
        int closed_in = -1;
        for (int month = 0; month < months && closed_in < 0; ++month) {
            settle_accounts(run, reach, levers, revenue, 20000 + 30 * month, 30, static_cast<std::uint64_t>(month),
                            out);
            CHECK(out.public_baseline[0] == 0);
            if (run.facilities[id].state == FacilityState::closed) closed_in = month;
            CHECK(out.operating[0] >= k.public_a_month);  // others in the district may add theirs
        }
        CHECK((run.facilities[id].state == FacilityState::open) == k.open_after);
        if (k.op == Operator::private_) CHECK(closed_in == w.scenario.economics.loss_months - 1);
        if (k.op == Operator::public_private && !k.open_after) {
            CHECK(closed_in == 3);  // above the cap contract_months (4) months in a row: it leaves
            CHECK(out.retender == std::vector<std::uint32_t>{id});
        }
    }
}

TEST_CASE("night staff: a rule's extra night hours cost staff, and the rule may pay a share", "[market]") {
    const Scenario sc = test::tiny_scenario();
    Category c = sc.categories[static_cast<std::size_t>(sc.category_index("convenience"))];
    c.open_hour = 7;
    c.close_hour = 22;
    EconomicsModel m = sc.economics;
    m.night_staff_yuan_hour = 20;
    Facility f;
    f.floor_area_m2 = 80;
    f.open_hour = 7;
    f.close_hour = 22;
    CHECK(night_hours(0, 24) == 8.0);
    CHECK(night_hours(17, 26) == 4.0);
    CHECK(extra_night_hours(c, 7, 22) == 0.0);  // its own hours: in its staff cost already
    const auto own = month_account(c, m, f, 1'000'000, {}, 30);
    f.open_hour = 0;
    f.close_hour = 24;
    const auto all_night = month_account(c, m, f, 1'000'000, {}, 30);
    CHECK(all_night.costs - own.costs == 8 * 30 * 20 * 100);  // 8 hours x 30 nights x 20 yuan
    const auto half_paid = month_account(c, m, f, 1'000'000, {.night_share = 0.5}, 30);
    CHECK(half_paid.costs - own.costs == 4 * 30 * 20 * 100);
    CHECK(half_paid.subsidy == 4 * 30 * 20 * 100);  // the rule's share is public money
}

TEST_CASE("background exit: the yearly rate spread over months, higher in the first three years", "[market]") {
    const Scenario sc = test::tiny_scenario();
    Category c;
    c.exit_per_year = 0.2;
    const double old = monthly_exit_probability(c, sc.economics, 5.0);
    CHECK(1.0 - std::pow(1.0 - old, 12.0) == lc_test::Approx(0.2).epsilon(1e-12));
    const double young = monthly_exit_probability(c, sc.economics, 1.0);
    CHECK(1.0 - std::pow(1.0 - young, 12.0) == lc_test::Approx(0.2 * sc.economics.young_hazard_factor).epsilon(1e-12));
    c.exit_per_year = 0.0;
    CHECK(monthly_exit_probability(c, sc.economics, 1.0) == 0.0);
}

TEST_CASE("a shop closes after loss_months loss months in a row, and a rent subsidy keeps it open",
          "[market][behaviour]") {
    World w = quiet_world();
    const std::size_t nd = w.scenario.districts.size(), nc = w.scenario.categories.size();
    FacilityReach reach(w, ChoiceCache::kMaxK, 1500.0);
    const auto id = first_of(w, "convenience", 0);
    const auto conv = static_cast<std::size_t>(w.scenario.category_index("convenience"));
    // gross 900,000 fen: below 85% of 1,210,000 (a loss), above 85% of 850,000 (rent waived)
    std::vector<std::int64_t> revenue(w.facilities.size(), 0);
    revenue[id] = std::llround(900'000 / 0.173);
    for (double rent_cut : {0.0, 1.0}) {
        World run = w;
        FacilityReach r = reach;
        PlanLevers levers(nd, nc);
        levers.rent_cut[levers.at(0, conv)] = rent_cut;
        MarketMonth out;
        for (std::uint64_t month = 0; month < 3; ++month) {
            INFO("rent cut " << rent_cut << ", month " << month);
            CHECK(run.facilities[id].state == FacilityState::open);
            settle_accounts(run, r, levers, revenue, 20000 + 30 * static_cast<std::int64_t>(month), 30, month, out);
        }
        const bool closed = run.facilities[id].state == FacilityState::closed;
        CHECK(closed == (rent_cut == 0.0));
        if (closed) {
            CHECK(run.facilities[id].closed_day == 20060);
            CHECK(out.closures[0] >= 1);
            CHECK(r.changed(conv));  // the choices must be rebuilt
        }
    }
}

namespace {

/// The choice cache of every category for the world's facilities as they are (no crowding).
ChoiceCache cache_of(const World& w, const FacilityReach& reach) {
    std::array<double, kAgeGroups> walk{};
    for (int a = 0; a < kAgeGroups; ++a) walk[a] = w.scenario.max_walk_metres(a);
    ChoiceCache cache(w.network.num_nodes(), w.scenario.categories.size(), ChoiceCache::kMaxK, walk);
    std::vector<std::uint32_t> nodes(w.network.num_nodes());
    for (std::uint32_t v = 0; v < nodes.size(); ++v) nodes[v] = v;
    const std::vector<float> crowding(w.facilities.size() + 64, 1.0f);
    for (std::size_t c = 0; c < w.scenario.categories.size(); ++c)
        cache.rebuild(c, reach.table(c), reach.facilities(c), w.facilities, crowding, w.scenario.categories[c].decay,
                      nodes);
    return cache;
}

/// Closes every shop of category `c` in district d (an unserved district for it).
void close_all(World& w, FacilityReach& reach, std::size_t c, std::size_t d) {
    for (std::uint32_t id = 0; id < w.facilities.size(); ++id)
        if (w.facilities[id].category == c && w.facilities[id].district == d) close_facility(w, reach, id, 19000);
}

}  // namespace

TEST_CASE(
    "entry's expected revenue: all of the needs in walking range where no shop competes, a Huff share "
    "beside incumbents",
    "[market][behaviour]") {
    World w = quiet_world();
    const std::size_t nc = w.scenario.categories.size();
    const auto conv = static_cast<std::size_t>(w.scenario.category_index("convenience"));
    FacilityReach reach(w, ChoiceCache::kMaxK, 1500.0);
    for (std::size_t d = 0; d < w.scenario.districts.size(); ++d) close_all(w, reach, conv, d);
    std::vector<std::int64_t> needs(w.scenario.districts.size() * nc, 0);
    for (std::size_t d = 0; d < w.scenario.districts.size(); ++d) needs[district_category(d, conv, nc)] = 3000;
    const EntryDemand demand = entry_demand(w, needs);
    EntrySites sites;
    const auto& site = sites.of(w, 0).front();
    // with no convenience store anywhere, the new shop takes every need within the walk
    double expected = 0;
    for (auto v : site.homes)
        if (w.node_district[v] < w.scenario.districts.size())
            expected += demand.residents[v] * demand.needs_rate[district_category(w.node_district[v], conv, nc)];
    REQUIRE(expected > 0);
    const std::vector<std::int64_t> spend(nc, 2500);
    const double alone = expected_revenues(w, cache_of(w, reach), demand, sites, site, spend)[conv];
    CHECK(alone == lc_test::Approx(expected * 2500).epsilon(1e-9));
    // a project list's pricing: with no rivals the same; a rival of the list at the same site
    // (same area and distances) halves it, as an incumbent there would (issue 22, lists that last)
    const ChoiceCache empty = cache_of(w, reach);
    CHECK(expected_revenue_among(w, empty, demand, sites, site, {}, conv, 2500) ==
          lc_test::Approx(alone).epsilon(1e-9));
    CHECK(expected_revenue_among(w, empty, demand, sites, site, {&site}, conv, 2500) ==
          lc_test::Approx(alone / 2).epsilon(1e-5));
    // an incumbent at the same site takes half of what the entrant would see at every home
    // node (same floor area, same distance) from map-app users and residents alike
    Facility incumbent = w.facilities[first_of(w, "convenience", 0)];
    incumbent.node = site.node;
    incumbent.state = FacilityState::open;
    open_facility(w, reach, incumbent, 19001);
    const double beside = expected_revenues(w, cache_of(w, reach), demand, sites, site, spend)[conv];
    CHECK(beside == lc_test::Approx(alone / 2).epsilon(1e-5));
}

TEST_CASE(
    "entry follows expected profit: where demand is high and unserved a shop opens at the best site, where "
    "it is low, none opens until a subsidy makes it pay",
    "[market][behaviour]") {
    World w = quiet_world();
    const std::size_t nd = w.scenario.districts.size(), nc = w.scenario.categories.size();
    w.scenario.economics.entry_rate = 50.0;  // (every profitable site draws its entrant)
    const auto conv = static_cast<std::size_t>(w.scenario.category_index("convenience"));
    FacilityReach reach(w, ChoiceCache::kMaxK, 1500.0);
    close_all(w, reach, conv, 0);
    close_all(w, reach, conv, 1);
    PlanLevers levers(nd, nc);
    std::vector<std::int64_t> spend(nc, 2500), needs(nd * nc, 0);
    // few needs (the whole tiny town is within a walk of every site): no site pays
    needs[district_category(0, conv, nc)] = 300;
    needs[district_category(1, conv, nc)] = 300;
    const auto before = w.facilities.size();
    EntrySites sites;
    MarketMonth out;
    enter_market(w, reach, sites, cache_of(w, reach), levers, needs, spend, 20000, 0, out);
    CHECK(w.facilities.size() == before);
    // many needs in district 1: it pays
    needs[district_category(1, conv, nc)] = 60000;
    const EntryDemand demand = entry_demand(w, needs);
    const ChoiceCache cache = cache_of(w, reach);
    enter_market(w, reach, sites, cache, levers, needs, spend, 20000, 1, out);
    CHECK(out.openings[1] == 1);
    const Facility* f = nullptr;
    for (std::size_t id = before; id < w.facilities.size(); ++id)
        if (w.facilities[id].district == 1) f = &w.facilities[id];
    REQUIRE(f != nullptr);
    CHECK(f->category == conv);
    CHECK(f->origin == FacilityOrigin::market_entry);
    CHECK(f->opened_day == 20001);  // tomorrow
    CHECK(reach.nearest(conv, f->node) == 0.0);
    // it opened at the site of highest expected revenue among the district's entry sites
    double best = 0;
    std::uint32_t best_node = 0;
    for (const auto& site : sites.of(w, 1))
        if (const double r = expected_revenues(w, cache, demand, sites, site, spend)[conv]; r > best) {
            best = r;
            best_node = site.node;
        }
    CHECK(f->node == best_node);
    // back to few needs, with district 0's rent waived and its other costs granted: only it pays
    World low = quiet_world();
    low.scenario.economics.entry_rate = 50.0;
    FacilityReach low_reach(low, ChoiceCache::kMaxK, 1500.0);
    close_all(low, low_reach, conv, 0);
    close_all(low, low_reach, conv, 1);
    needs[district_category(1, conv, nc)] = 300;
    levers.rent_cut[levers.at(0, conv)] = 1.0;
    levers.grant_yuan[levers.at(0, conv)] = 8500.0;
    EntrySites low_sites;
    enter_market(low, low_reach, low_sites, cache_of(low, low_reach), levers, needs, spend, 20030, 2, out);
    CHECK(out.openings == std::vector<std::int64_t>{1, 0});
    // and none at all at a zero rate
    low.scenario.economics.entry_rate = 0.0;
    const auto now = low.facilities.size();
    enter_market(low, low_reach, low_sites, cache_of(low, low_reach), levers, needs, spend, 20060, 3, out);
    CHECK(low.facilities.size() == now);
}

TEST_CASE("crowding: visits above a shop's capacity lower its weight in next month's choices", "[market]") {
    const World w = quiet_world();
    const auto cap =
        static_cast<std::int64_t>(w.facilities[0].floor_area_m2 * w.scenario.economics.capacity_visits_per_m2);
    std::vector<std::int64_t> visits(w.facilities.size(), 0);
    visits[0] = 2 * cap;
    visits[1] = cap / 2;
    std::vector<float> crowding;
    update_crowding(w, visits, crowding);
    REQUIRE(crowding.size() == w.facilities.size());
    CHECK(crowding[0] == lc_test::Approx(0.5).epsilon(1e-3));  // twice the capacity: half the weight
    CHECK(crowding[1] == 1.0f);
}
