// The cached destination choice (models/destination_choice.hpp): rewritten for speed, so it is
// checked against the plain rule and against the Huff shares.
#include <algorithm>
#include <barrier>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "core/rng.hpp"
#include "fixtures.hpp"
#include "models/destination_choice.hpp"
#include "models/facility.hpp"
#include "models/facility_reach.hpp"
#include "models/world_builder.hpp"

using lifecircle::ChoiceCache;

namespace {

/// The choice as the model states it: walk the candidates in distance order, keep those open
/// in the slot and within the age group's range (the nearest `limit` of them), and take the
/// first whose running sum of weights exceeds u times the total.
ChoiceCache::Choice reference(const ChoiceCache::Block& b, int slot, float reach_m, int limit, float u) {
    std::vector<int> kept;
    for (int j = 0; j < b.n && static_cast<int>(kept.size()) < limit; ++j)
        if (((b.open[slot] >> j) & 1U) && b.distance[j] <= reach_m) kept.push_back(j);
    if (kept.empty()) return {-1, 0.0f};
    float total = 0.0f;
    for (int j : kept) total += ChoiceCache::weight(b.cum, j);
    const float x = u * total;
    float cum = 0.0f;
    for (std::size_t q = 0; q + 1 < kept.size(); ++q) {
        cum += ChoiceCache::weight(b.cum, kept[q]);
        if (cum > x) return {b.facility[kept[q]], b.distance[kept[q]]};
    }
    return {b.facility[kept.back()], b.distance[kept.back()]};
}

}  // namespace

TEST_CASE("the cached choice equals the plain rule on random blocks", "[choice]") {
    const std::array<double, lifecircle::kAgeGroups> reach{600.0, 1000.0, 700.0};
    const ChoiceCache cache(1, 1, ChoiceCache::kMaxK, reach);
    const lifecircle::CounterRng rng(7, 1);
    std::uint64_t draw = 0;
    int chosen = 0, none = 0;
    for (int trial = 0; trial < 20000; ++trial) {
        ChoiceCache::Block b{};
        b.n = static_cast<std::uint8_t>(rng.below(draw++, ChoiceCache::kMaxK + 1));
        float d = 0.0f;
        for (int j = 0; j < b.n; ++j) {
            d += static_cast<float>(rng.uniform(draw++) * 300.0);
            b.distance[j] = d;
            const auto w = static_cast<float>(0.01 + rng.uniform(draw++) * 5.0);
            b.cum[j] = j == 0 ? w : b.cum[j - 1] + w;
            b.facility[j] = 100 + j;
            for (int s = 0; s < ChoiceCache::kMaxSlots; ++s)
                if (rng.uniform(draw++) < 0.8) b.open[s] = static_cast<std::uint8_t>(b.open[s] | 1U << j);
        }
        for (int a = 0; a < lifecircle::kAgeGroups; ++a) {
            int in = 0;
            while (in < b.n && b.distance[in] <= static_cast<float>(reach[static_cast<std::size_t>(a)])) ++in;
            b.in_reach[a] = static_cast<std::uint8_t>(in);
        }
        const int slot = static_cast<int>(rng.below(draw++, ChoiceCache::kMaxSlots));
        const int age = static_cast<int>(rng.below(draw++, lifecircle::kAgeGroups));
        const bool nearest_only = rng.uniform(draw++) < 0.5;
        // u near 0, near 1 and in between
        for (float u : {0.0f, 1.0f - 0x1.0p-24f, static_cast<float>(rng.uniform(draw++))}) {
            const auto got = cache.choose(b, slot, age, nearest_only, u);
            const auto want = reference(b, slot, static_cast<float>(reach[static_cast<std::size_t>(age)]),
                                        nearest_only ? ChoiceCache::kNearest : ChoiceCache::kMaxK, u);
            REQUIRE(got.facility == want.facility);
            REQUIRE(got.distance == want.distance);
            (got.facility < 0 ? none : chosen) += 1;
        }
    }
    // both outcomes were exercised
    CHECK(chosen > 10000);
    CHECK(none > 1000);
}

TEST_CASE("choices follow the Huff weights", "[choice]") {
    // Three candidates open in slot 0 with weights 1 : 2 : 5; a stratified sweep of u must
    // give them shares 1/8, 2/8, 5/8 (to the sweep's resolution); without the map app only
    // the nearest two count, 1 : 2.
    const ChoiceCache cache(1, 1, ChoiceCache::kMaxK, {2000.0, 2000.0, 2000.0});
    ChoiceCache::Block b{};
    b.n = 3;
    const float w[3] = {1.0f, 2.0f, 5.0f};
    for (int j = 0; j < 3; ++j) {
        b.cum[j] = (j == 0 ? 0.0f : b.cum[j - 1]) + w[j];
        b.distance[j] = 100.0f * static_cast<float>(j + 1);
        b.facility[j] = j;
    }
    b.open[0] = 0b111;
    b.in_reach[0] = b.in_reach[1] = b.in_reach[2] = 3;
    const int n = 80000;
    int all[3] = {0, 0, 0}, near[3] = {0, 0, 0};
    for (int i = 0; i < n; ++i) {
        const float u = (static_cast<float>(i) + 0.5f) / static_cast<float>(n);
        ++all[cache.choose(b, 0, 1, false, u).facility];
        ++near[cache.choose(b, 0, 1, true, u).facility];
    }
    CHECK(all[0] == n / 8);
    CHECK(all[1] == 2 * n / 8);
    CHECK(all[2] == 5 * n / 8);
    CHECK(near[0] == n / 3 + 1);  // 26,667 of 80,000: u < 1/3
    CHECK(near[1] == n - n / 3 - 1);
    CHECK(near[2] == 0);
    // closed in slot 1: nothing to choose
    CHECK(cache.choose(b, 1, 1, false, 0.5f).facility == -1);
}

TEST_CASE("rebuilding the blocks of the nodes openings and closings touched equals a whole rebuild",
          "[choice][reach_table]") {
    using namespace lifecircle;
    World w = build_world(test::tiny_scenario());
    const auto& sc = w.scenario;
    std::array<double, kAgeGroups> walk{};
    for (int a = 0; a < kAgeGroups; ++a) walk[a] = sc.max_walk_metres(a);
    // (a reach shorter than the walks: in the tiny town's 56 nodes a walk's reach is everywhere)
    FacilityReach reach(w, ChoiceCache::kMaxK, 300.0);
    std::vector<std::uint32_t> nodes(w.network.num_nodes());
    for (std::uint32_t v = 0; v < nodes.size(); ++v) nodes[v] = v;
    std::vector<float> crowding;
    for (std::size_t id = 0; id < w.facilities.size(); ++id) crowding.push_back(0.4f + 0.1f * (id % 7));
    const std::size_t nc = sc.categories.size();
    ChoiceCache patched(nodes.size(), nc, ChoiceCache::kMaxK, walk);
    for (std::size_t c = 0; c < nc; ++c)
        patched.rebuild(c, reach.table(c), reach.facilities(c), w.facilities, crowding, sc.categories[c].decay, nodes);
    reach.clear_changed();
    // a shop opens beside a district's centre and the first open facility closes
    const int conv = sc.category_index("convenience");
    open_facility(w, reach, make_facility(sc, w.district_centre[0], conv, 0), 100);
    std::uint32_t first_open = 0;
    while (w.facilities[first_open].state != FacilityState::open) ++first_open;
    close_facility(w, reach, first_open, 100);
    crowding.resize(w.facilities.size(), 1.0f);
    const ChoiceCache stale = patched;
    for (std::size_t c = 0; c < nc; ++c) {
        if (!reach.changed(c)) continue;
        CHECK_FALSE(reach.changed_everywhere(c));
        auto touched = reach.changed_nodes(c);
        std::sort(touched.begin(), touched.end());
        touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
        CHECK(touched.size() < nodes.size());
        patched.rebuild_nodes(c, reach.table(c), reach.facilities(c), w.facilities, crowding, sc.categories[c].decay,
                              touched);
    }
    ChoiceCache whole(nodes.size(), nc, ChoiceCache::kMaxK, walk);
    for (std::size_t c = 0; c < nc; ++c)
        whole.rebuild(c, reach.table(c), reach.facilities(c), w.facilities, crowding, sc.categories[c].decay, nodes);
    auto differing = [&](const ChoiceCache& x) {
        std::size_t n = 0;
        for (std::uint32_t v = 0; v < nodes.size(); ++v)
            for (std::size_t c = 0; c < nc; ++c) {
                const auto &a = x.block(v, c), &b = whole.block(v, c);
                n += !(a.n == b.n && std::equal(a.cum, a.cum + ChoiceCache::kMaxK, b.cum) &&
                       std::equal(a.distance, a.distance + ChoiceCache::kMaxK, b.distance) &&
                       std::equal(a.facility, a.facility + ChoiceCache::kMaxK, b.facility) &&
                       std::equal(a.open, a.open + ChoiceCache::kMaxSlots, b.open) &&
                       std::equal(a.in_reach, a.in_reach + kAgeGroups, b.in_reach));
            }
        return n;
    };
    CHECK(differing(stale) > 0);     // the opening and the closing changed some blocks ...
    CHECK(differing(patched) == 0);  // ... and the patch made them what a whole rebuild makes
    // the market reads only a block's first cache line: past its candidates, a block's places
    // must be never nearer (infinite distance) and add no weight (the running sum's total)
    std::size_t short_blocks = 0, wrong = 0;
    for (std::uint32_t v = 0; v < nodes.size(); ++v)
        for (std::size_t c = 0; c < nc; ++c) {
            const auto& b = whole.block(v, c);
            short_blocks += b.n < ChoiceCache::kMaxK;
            const float total = b.n == 0 ? 0.0f : b.cum[b.n - 1];
            for (int j = b.n; j < ChoiceCache::kMaxK; ++j)
                wrong += !(b.cum[j] == total && b.distance[j] == ChoiceCache::Block::kInf);
            // and in distance order, so that a count of the places nearer than d is the rank
            // of d among them (ChoiceCache::nearer)
            for (int j = 1; j < ChoiceCache::kMaxK; ++j) wrong += b.distance[j] < b.distance[j - 1];
            const float d = b.n > 1 ? b.distance[1] : 100.0f;
            int rank = 0;
            while (rank < b.n && b.distance[rank] < d) ++rank;
            wrong += ChoiceCache::nearer(b, d) != rank;
        }
    CHECK(short_blocks > 0);  // (tiny has categories with fewer than kMaxK facilities in reach)
    CHECK(wrong == 0);
    // a facility's hours touched: its categories change everywhere
    reach.clear_changed();
    reach.touch(w.facilities[1]);
    CHECK(reach.changed_everywhere(w.facilities[1].category));
}

TEST_CASE("opening and closing facilities together gives the tables and changed rows of one by one",
          "[choice][reach_table]") {
    // a month's leavers close together and its entrants open together, a category's table at a
    // time in parallel: the run's reach and the rows its choice cache rebuilds must not change
    using namespace lifecircle;
    World w = build_world(test::tiny_scenario());
    const std::size_t nc = w.scenario.categories.size();
    // one facility serving two categories, so that two tables lose it at once
    const int conv = w.scenario.category_index("convenience");
    Facility both = make_facility(w.scenario, w.district_centre[0], conv, 0);
    both.extra_categories |= std::uint64_t{1} << ((conv + 1) % static_cast<int>(nc));
    w.facilities.push_back(both);
    FacilityReach reach(w, ChoiceCache::kMaxK, 300.0);
    World w2 = w;
    FacilityReach together = reach;
    reach.clear_changed();
    together.clear_changed();
    std::vector<std::uint32_t> leaving;
    for (std::uint32_t id = 0; id < w.facilities.size(); id += 3)
        if (w.facilities[id].state == FacilityState::open) leaving.push_back(id);
    leaving.push_back(static_cast<std::uint32_t>(w.facilities.size() - 1));
    leaving.push_back(leaving.front());  // twice: the second is not open any more, and is left
    REQUIRE(leaving.size() > 4);
    for (auto id : leaving) close_facility(w, reach, id, 200);
    close_facilities(w2, together, leaving, 200);
    // then entrants, one of them serving two categories, at nodes where others closed
    std::vector<Facility> entrants;
    for (std::size_t k = 0; k < 4; ++k)
        entrants.push_back(make_facility(w.scenario, w.facilities[leaving[k]].node, conv, 0));
    entrants[1].extra_categories = both.extra_categories;
    std::uint32_t first = 0;
    for (std::size_t k = 0; k < entrants.size(); ++k) {
        const auto id = open_facility(w, reach, entrants[k], 201);
        if (k == 0) first = id;
    }
    CHECK(open_facilities(w2, together, entrants, 201) == first);
    REQUIRE(w2.facilities.size() == w.facilities.size());
    std::size_t changed = 0;
    for (std::size_t c = 0; c < nc; ++c) {
        INFO("category " << c);
        CHECK(std::ranges::equal(reach.table(c).distances(), together.table(c).distances()));
        CHECK(std::ranges::equal(reach.table(c).facilities(), together.table(c).facilities()));
        CHECK(reach.changed(c) == together.changed(c));
        CHECK(reach.changed_nodes(c) == together.changed_nodes(c));
        changed += reach.changed(c);
    }
    CHECK(changed >= 2);
    for (std::size_t id = 0; id < w.facilities.size(); ++id) {
        CHECK(w.facilities[id].state == w2.facilities[id].state);
        CHECK(w.facilities[id].closed_day == w2.facilities[id].closed_day);
        CHECK(w.facilities[id].opened_day == w2.facilities[id].opened_day);
        CHECK(w.facilities[id].slot_mask == w2.facilities[id].slot_mask);
    }
    for (std::size_t c = 0; c < nc; ++c) CHECK(reach.facilities(c) == together.facilities(c));
    // (the entry map behind closings: the entrants close alike)
    std::vector<std::uint32_t> entered(entrants.size());
    for (std::size_t k = 0; k < entered.size(); ++k) entered[k] = first + static_cast<std::uint32_t>(k);
    for (auto id : entered) close_facility(w, reach, id, 202);
    close_facilities(w2, together, entered, 202);
    for (std::size_t c = 0; c < nc; ++c)
        CHECK(std::ranges::equal(reach.table(c).facilities(), together.table(c).facilities()));
}

TEST_CASE("closings divided over processes give every process the reach and changed rows of one",
          "[choice][reach_table][ranks]") {
    // Over MPI ranks each rank recomputes the tables of its share of the categories and the
    // rows they changed travel to the others (FacilityReach::divide): every rank must hold the
    // reach and change notes that one process's closings give, or the ranks' runs would part.
    // Here the processes are threads, their sum a rendezvous.
    using namespace lifecircle;
    World w = build_world(test::tiny_scenario());
    const std::size_t nc = w.scenario.categories.size();
    // shops that serve a second category, so that a closing changes two tables at once
    for (std::uint32_t id = 0; id < w.facilities.size(); id += 5)
        w.facilities[id].extra_categories |= std::uint64_t{1} << ((w.facilities[id].category + 1) % nc);
    FacilityReach base(w, ChoiceCache::kMaxK, 300.0);
    base.clear_changed();
    // two months' closings: the second on tables the first's rows were given to
    std::vector<std::vector<std::uint32_t>> months(2);
    for (std::uint32_t id = 0; id < w.facilities.size(); ++id)
        if (w.facilities[id].state == FacilityState::open && id % 4 != 3) months[id % 2].push_back(id);
    REQUIRE(months[0].size() > 2);
    REQUIRE(months[1].size() > 1);
    World w1 = w;
    FacilityReach one = base;
    std::vector<std::vector<std::vector<std::uint32_t>>> one_nodes;  // per month, per category: sorted rows
    std::vector<std::vector<std::uint8_t>> one_changed;
    auto notes = [&](const FacilityReach& r) {
        std::vector<std::vector<std::uint32_t>> out(nc);
        for (std::size_t c = 0; c < nc; ++c) {
            out[c] = r.changed_nodes(c);
            std::sort(out[c].begin(), out[c].end());
            out[c].erase(std::unique(out[c].begin(), out[c].end()), out[c].end());
        }
        return out;
    };
    auto changed = [&](const FacilityReach& r) {
        std::vector<std::uint8_t> out(nc);
        for (std::size_t c = 0; c < nc; ++c) out[c] = r.changed(c);
        return out;
    };
    for (std::size_t m = 0; m < months.size(); ++m) {
        one.clear_changed();
        close_facilities(w1, one, months[m], 200 + static_cast<std::int64_t>(m));
        one_nodes.push_back(notes(one));
        one_changed.push_back(changed(one));
    }
    for (int count : {2, 3}) {
        INFO(count << " processes");
        std::mutex mutex;
        std::barrier<> gate(count);
        std::vector<std::int64_t> total;
        std::size_t largest_sum = 0;  // words in the largest vector summed
        auto sum = [&](std::vector<std::int64_t>& words) {
            {
                std::lock_guard lock(mutex);
                if (total.empty()) total.assign(words.size(), 0);
                for (std::size_t i = 0; i < words.size(); ++i) total[i] += words[i];
                largest_sum = std::max(largest_sum, words.size());
            }
            gate.arrive_and_wait();
            words = total;
            gate.arrive_and_wait();
            {
                std::lock_guard lock(mutex);
                total.clear();
            }
            gate.arrive_and_wait();
        };
        std::vector<World> worlds(static_cast<std::size_t>(count), w);
        std::vector<FacilityReach> reaches(static_cast<std::size_t>(count), base);
        std::vector<std::vector<std::vector<std::vector<std::uint32_t>>>> nodes(static_cast<std::size_t>(count));
        std::vector<std::vector<std::vector<std::uint8_t>>> changes(static_cast<std::size_t>(count));
        std::vector<std::thread> processes;
        for (int p = 0; p < count; ++p)
            processes.emplace_back([&, p] {
                const auto i = static_cast<std::size_t>(p);
                reaches[i].divide(WorkShare{p, count, sum, {}});
                for (std::size_t m = 0; m < months.size(); ++m) {
                    reaches[i].clear_changed();
                    close_facilities(worlds[i], reaches[i], months[m], 200 + static_cast<std::int64_t>(m));
                    nodes[i].push_back(notes(reaches[i]));
                    changes[i].push_back(changed(reaches[i]));
                }
            });
        for (auto& t : processes) t.join();
        CHECK(largest_sum > nc);  // rows did travel, not only the categories' row counts
        for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
            INFO("process " << i);
            for (std::size_t c = 0; c < nc; ++c) {
                INFO("category " << c);
                CHECK(std::ranges::equal(reaches[i].table(c).distances(), one.table(c).distances()));
                CHECK(std::ranges::equal(reaches[i].table(c).facilities(), one.table(c).facilities()));
                for (std::uint32_t f = 0; f < one.table(c).num_facilities(); ++f)
                    CHECK(reaches[i].table(c).is_open(f) == one.table(c).is_open(f));
            }
            CHECK(nodes[i] == one_nodes);
            CHECK(changes[i] == one_changed);
        }
    }
}
