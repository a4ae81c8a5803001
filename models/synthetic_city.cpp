#include "models/synthetic_city.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/streams.hpp"
#include "models/facility.hpp"

namespace lifecircle {

namespace detail {

struct Rect {
    double x0, y0, x1, y1;
    double cx() const { return (x0 + x1) / 2; }
    double cy() const { return (y0 + y1) / 2; }
    bool contains(double x, double y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};

/// District rectangles tiling a W x W square centred on the origin.
std::vector<Rect> district_rects(const Scenario& sc) {
    const std::size_t n = sc.districts.size();
    double total = 0;
    for (const auto& d : sc.districts) total += d.area_km2 * 1e6;
    const double width = std::sqrt(total);
    const std::size_t rows =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(n)))));
    const std::size_t per_row = (n + rows - 1) / rows;
    // Row order: middle row first (the pilots), then alternating above and below.
    std::vector<std::size_t> row_order;
    const std::size_t mid = rows / 2;
    row_order.push_back(mid);
    for (std::size_t k = 1; row_order.size() < rows; ++k) {
        if (mid + k < rows) row_order.push_back(mid + k);
        if (row_order.size() < rows && mid >= k) row_order.push_back(mid - k);
    }
    std::vector<std::vector<std::size_t>> members(rows);
    for (std::size_t i = 0; i < n; ++i) members[row_order[std::min(i / per_row, rows - 1)]].push_back(i);
    std::vector<Rect> rects(n);
    double y = -width / 2;
    for (std::size_t r = 0; r < rows; ++r) {
        if (members[r].empty()) continue;
        double area = 0;
        for (auto i : members[r]) area += sc.districts[i].area_km2 * 1e6;
        const double h = area / width;
        double x = -width / 2;
        for (auto i : members[r]) {
            const double w = sc.districts[i].area_km2 * 1e6 / h;
            rects[i] = {x, y, x + w, y + h};
            x += w;
        }
        y += h;
    }
    return rects;
}

/// Grid line positions from lo to hi with gaps drawn uniformly in [gap_min, gap_max].
std::vector<double> grid_lines(double lo, double hi, double gap_min, double gap_max, const CounterRng& rng) {
    std::vector<double> lines{lo};
    for (std::uint64_t i = 0; lines.back() < hi; ++i)
        lines.push_back(lines.back() + gap_min + (gap_max - gap_min) * rng.uniform(i));
    return lines;
}

/// The district centre and the centres of its four quadrants, on the network, and the
/// commercial sites within 250 m of a centre.
void place_centres(const Scenario& sc, const std::vector<Rect>& rects, SyntheticLayout& out) {
    const auto& net = out.network;
    // Centres: the district centre and the centres of its four quadrants, on the network.
    out.district_centre.resize(rects.size());
    out.cluster_centres.resize(rects.size());
    auto nearest_in = [&](std::size_t d, double x, double y) {
        const auto& nodes = out.district_nodes[d];
        return *std::min_element(nodes.begin(), nodes.end(), [&](auto a, auto b) {
            return std::hypot(net.x()[a] - x, net.y()[a] - y) < std::hypot(net.x()[b] - x, net.y()[b] - y);
        });
    };
    for (std::size_t d = 0; d < rects.size(); ++d) {
        if (out.district_nodes[d].empty())
            throw InputError(sc.path + ": district " + sc.districts[d].name +
                             " is too small for its blocks (area_km2 " + std::to_string(sc.districts[d].area_km2) +
                             "); expected a larger area");
        const auto& r = rects[d];
        out.district_centre[d] = nearest_in(d, r.cx(), r.cy());
        for (int q = 0; q < 4; ++q)
            out.cluster_centres[d].push_back(nearest_in(d, r.x0 + (r.x1 - r.x0) * (q % 2 ? 0.75 : 0.25),
                                                        r.y0 + (r.y1 - r.y0) * (q / 2 ? 0.75 : 0.25)));
        // commercial sites: within 250 m of a centre
        for (auto v : out.district_nodes[d]) {
            auto near = [&](std::uint32_t c) {
                return std::hypot(net.x()[v] - net.x()[c], net.y()[v] - net.y()[c]) <= 250.0;
            };
            if (near(out.district_centre[d]) ||
                std::any_of(out.cluster_centres[d].begin(), out.cluster_centres[d].end(), near))
                out.node_commercial[v] = 1;
        }
    }
}

}  // namespace detail

// One function of about 90 lines: the street grid is one piece of state (points, their
// districts, the main rows) read by each step; split, the steps would pass all of it around.
SyntheticLayout make_synthetic_layout(const Scenario& sc) {
    const auto rects = detail::district_rects(sc);
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    for (const auto& r : rects) {
        x0 = std::min(x0, r.x0);
        y0 = std::min(y0, r.y0);
        x1 = std::max(x1, r.x1);
        y1 = std::max(y1, r.y1);
    }
    const double bmin = sc.network.block_min_m, bmax = sc.network.block_max_m;
    const auto xs = detail::grid_lines(x0, x1, bmin, bmax, CounterRng(sc.seed, streams::kGridX));
    const auto ys = detail::grid_lines(y0, y1, bmin, bmax, CounterRng(sc.seed, streams::kGridY));
    const std::size_t nx = xs.size(), ny = ys.size();
    const CounterRng jitter(sc.seed, streams::kJitter), edges_rng(sc.seed, streams::kEdges);

    std::vector<std::int64_t> ids(nx * ny);
    std::vector<double> px(nx * ny), py(nx * ny);
    std::vector<std::uint16_t> district(nx * ny, kNoDistrict);
    for (std::size_t j = 0; j < ny; ++j)
        for (std::size_t i = 0; i < nx; ++i) {
            const std::size_t v = j * nx + i;
            ids[v] = static_cast<std::int64_t>(v);
            const double a = 0.15 * bmin;  // intersections a little off the grid
            px[v] = xs[i] + a * (2 * jitter.uniform(2 * v) - 1);
            py[v] = ys[j] + a * (2 * jitter.uniform(2 * v + 1) - 1);
            for (std::size_t d = 0; d < rects.size(); ++d)
                if (rects[d].contains(xs[i], ys[j])) district[v] = static_cast<std::uint16_t>(d);
        }
    // The main commercial street of each district: the grid row nearest its centre.
    std::vector<std::size_t> main_row(rects.size());
    for (std::size_t d = 0; d < rects.size(); ++d) {
        main_row[d] = static_cast<std::size_t>(std::min_element(ys.begin(), ys.end(),
                                                                [&](double a, double b) {
                                                                    return std::abs(a - rects[d].cy()) <
                                                                           std::abs(b - rects[d].cy());
                                                                }) -
                                               ys.begin());
    }
    std::vector<std::int64_t> from, to;
    std::vector<double> length;
    auto add = [&](std::size_t a, std::size_t b, std::uint64_t key, bool keep) {
        if (district[a] == kNoDistrict || district[b] == kNoDistrict) return;
        if (!keep && edges_rng.uniform(2 * key) < 0.12) return;  // missing segment
        from.push_back(static_cast<std::int64_t>(a));
        to.push_back(static_cast<std::int64_t>(b));
        const double straight = std::hypot(px[a] - px[b], py[a] - py[b]);
        length.push_back(straight * (1.0 + 0.08 * edges_rng.uniform(2 * key + 1)));
    };
    for (std::size_t j = 0; j < ny; ++j)
        for (std::size_t i = 0; i < nx; ++i) {
            const std::size_t v = j * nx + i;
            const bool on_main = district[v] != kNoDistrict && main_row[district[v]] == j;
            if (i + 1 < nx) add(v, v + 1, 2 * v, on_main);  // the main street is never broken
            if (j + 1 < ny) add(v, v + nx, 2 * v + 1, false);
        }
    // Drop grid points outside every district before building the network.
    std::vector<std::int64_t> kid;
    std::vector<double> kx, ky;
    for (std::size_t v = 0; v < ids.size(); ++v)
        if (district[v] != kNoDistrict) {
            kid.push_back(ids[v]);
            kx.push_back(px[v]);
            ky.push_back(py[v]);
        }
    SyntheticLayout out;
    out.network = WalkNetwork::from_arrays(std::move(kid), std::move(kx), std::move(ky), from, to, length, true,
                                           "synthetic city");
    const auto& net = out.network;
    const std::size_t n = net.num_nodes();
    out.node_district.resize(n);
    out.node_weight.resize(n);
    out.node_commercial.assign(n, 0);
    out.district_nodes.resize(rects.size());
    out.main_street.resize(rects.size());
    const CounterRng weights(sc.seed, streams::kWeights);
    for (std::uint32_t v = 0; v < n; ++v) {
        const auto g = static_cast<std::size_t>(net.node_ids()[v]);
        const auto d = district[g];
        out.node_district[v] = d;
        out.district_nodes[d].push_back(v);
        const bool on_main = main_row[d] == g / nx;
        if (on_main) {
            out.main_street[d].push_back(v);
            out.node_commercial[v] = 1;
        }
        // shops below, fewer homes on the main street; some blocks denser than others
        out.node_weight[v] = static_cast<float>((on_main ? 0.4 : 1.0) * (0.5 + weights.uniform(v)));
    }
    detail::place_centres(sc, rects, out);
    return out;
}

std::vector<Facility> place_baseline_facilities(const Scenario& sc, const SyntheticLayout& layout) {
    std::vector<Facility> out;
    const auto& net = layout.network;
    for (std::size_t d = 0; d < sc.districts.size(); ++d) {
        const auto& dist = sc.districts[d];
        // candidate sites and their weights after the commercial form
        std::vector<std::uint32_t> sites;
        std::vector<double> w;
        const auto centre = layout.district_centre[d];
        for (auto v : layout.district_nodes[d]) {
            double weight = 0;
            switch (dist.form) {
                case CommercialForm::clustered: {
                    double best = std::hypot(net.x()[v] - net.x()[centre], net.y()[v] - net.y()[centre]);
                    for (auto c : layout.cluster_centres[d])
                        best = std::min(best, std::hypot(net.x()[v] - net.x()[c], net.y()[v] - net.y()[c]));
                    weight = std::exp(-best / 150.0);
                    break;
                }
                case CommercialForm::street_block:
                    weight = layout.node_commercial[v] ? 1.0 : 0.08;
                    break;
                case CommercialForm::distributed:
                    weight = layout.node_weight[v];
                    break;
            }
            sites.push_back(v);
            w.push_back(weight);
        }
        std::partial_sum(w.begin(), w.end(), w.begin());
        for (const auto& [cat, count] : dist.baseline) {
            const int c = sc.category_index(cat);
            const CounterRng rng(sc.seed, streams::baseline_facilities(d, static_cast<std::uint64_t>(c)));
            for (int i = 0; i < count; ++i) {
                const double u = rng.uniform(static_cast<std::uint64_t>(i)) * w.back();
                const auto k = static_cast<std::size_t>(std::upper_bound(w.begin(), w.end(), u) - w.begin());
                out.push_back(make_facility(sc, sites[std::min(k, sites.size() - 1)], c, static_cast<int>(d)));
            }
        }
    }
    return out;
}

}  // namespace lifecircle
