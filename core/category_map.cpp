#include "core/category_map.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "core/builtin_configs.hpp"
#include "core/error.hpp"

namespace lifecircle {

namespace detail {

std::string where(const std::string& source, const toml::source_region& region) {
    return source + ":" + std::to_string(region.begin.line) + ":" + std::to_string(region.begin.column);
}

}  // namespace detail

CategoryMap CategoryMap::parse(std::string_view toml_text, const std::string& source) {
    toml::table root;
    try {
        root = toml::parse(toml_text, source);
    } catch (const toml::parse_error& e) {
        throw InputError(detail::where(source, e.source()) + ": invalid TOML: " + std::string(e.description()));
    }
    CategoryMap map;
    std::vector<std::string> errors;
    // toml++ iterates keys sorted; categories keep their order in the file.
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (const auto& [name, node] : root) entries.emplace_back(&name, &node);
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.second->source().begin < b.second->source().begin; });
    for (const auto& [name_ptr, node_ptr] : entries) {
        const auto& name = *name_ptr;
        const auto& node = *node_ptr;
        const std::string cat(name.str());
        const auto* table = node.as_table();
        if (!table) {
            errors.push_back(detail::where(source, node.source()) + ": key '" + cat + "' must be a table [" + cat +
                             "] with 'tags' (and 'label')");
            continue;
        }
        Category category{cat, cat, {}};
        for (const auto& [key, value] : *table) {
            const std::string k(key.str());
            const std::string at = detail::where(source, value.source()) + ": " + cat + "." + k;
            if (k == "label") {
                if (auto s = value.value<std::string>())
                    category.label = *s;
                else
                    errors.push_back(at + ": expected a string");
            } else if (k == "tags") {
                const auto* tags = value.as_array();
                if (!tags || tags->empty()) {
                    errors.push_back(at + ": expected a non-empty array of \"key=value\" strings");
                    continue;
                }
                for (const auto& t : *tags) {
                    const auto s = t.value<std::string>();
                    const auto eq = s ? s->find('=') : std::string::npos;
                    if (!s || eq == std::string::npos || eq == 0 || eq + 1 == s->size()) {
                        errors.push_back(detail::where(source, t.source()) + ": " + cat +
                                         ".tags: expected \"key=value\" or \"key=*\"");
                        continue;
                    }
                    category.rules.push_back({s->substr(0, eq), s->substr(eq + 1)});
                }
            } else {
                errors.push_back(at + ": unknown key; expected 'label' or 'tags'");
            }
        }
        if (!table->contains("tags"))
            errors.push_back(detail::where(source, node.source()) + ": " + cat + ": missing key 'tags'");
        map.m_categories.push_back(std::move(category));
    }
    if (map.m_categories.empty() && errors.empty()) errors.push_back(source + ": no categories defined");
    if (!errors.empty()) {
        std::string all;
        for (const auto& e : errors) all += (all.empty() ? "" : "\n") + e;
        throw InputError(all);
    }
    return map;
}

CategoryMap CategoryMap::from_lists(const std::vector<std::pair<std::string, std::vector<std::string>>>& lists,
                                    const std::string& source) {
    CategoryMap map;
    for (const auto& [name, tags] : lists) {
        Category category{name, name, {}};
        for (const auto& t : tags) {
            const auto eq = t.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == t.size())
                throw InputError(source + ": " + name + ": tag \"" + t + "\": expected \"key=value\" or \"key=*\"");
            category.rules.push_back({t.substr(0, eq), t.substr(eq + 1)});
        }
        map.m_categories.push_back(std::move(category));
    }
    return map;
}

CategoryMap CategoryMap::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot open category mapping file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse(buffer.str(), path);
}

CategoryMap CategoryMap::builtin() { return parse(kBuiltinOsmCategories, "<built-in configs/osm_categories.toml>"); }

int CategoryMap::find(std::string_view name) const {
    for (std::size_t c = 0; c < m_categories.size(); ++c)
        if (m_categories[c].name == name) return static_cast<int>(c);
    return -1;
}

}  // namespace lifecircle
