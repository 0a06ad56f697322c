// The deployment recipes in deploy/, checked without a container engine: the Dockerfile builds
// the Debian package with ./dev.sh package and installs it (apt-get resolves its Depends) on
// debian:12-slim, where it runs as non-root; every shared library the binary needs comes from a
// package that the runtime stage installs or that the package's dpkg-shlibdeps-derived Depends
// pulls in (checked against the .deb itself by tests/install/test_install.sh); compose runs migrate
// to completion before api and worker; the Kubernetes manifests are a Job and an init container,
// both non-root.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <regex>
#include <set>
#include <sstream>

#include "lockwise/core/process.hpp"
#include "support/testing.hpp"

using namespace lockwise;

namespace {

std::filesystem::path deploy() { return testkit::source_dir() / "deploy"; }

std::string trim(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t");
    const auto last = text.find_last_not_of(" \t\r");
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

// A YAML subset good enough for these files: block maps and "- " list items, one scalar per line.
// Returns "a.b.c" => value for every scalar; list items get their index ("containers.0.name").
// Fails the test on tabs or an indentation that doesn't match any open level.
std::map<std::string, std::string> flatten_yaml(const std::string& text)
{
    std::map<std::string, std::string> out;
    std::vector<std::pair<int, std::string>> stack; // indentation, path element
    std::map<std::string, int> list_counts;
    std::istringstream lines(text);
    int number = 0;
    for (std::string raw; std::getline(lines, raw);) {
        ++number;
        EXPECT_EQ(raw.find('\t'), std::string::npos) << "tab at line " << number;
        auto line = raw.substr(0, raw.find(" #"));
        if (trim(line).empty() || trim(line)[0] == '#') {
            continue;
        }
        int indent = static_cast<int>(line.find_first_not_of(' '));
        auto content = trim(line);
        while (!stack.empty() && stack.back().first >= indent) {
            stack.pop_back();
        }
        auto path_of = [&] {
            std::string path;
            for (const auto& [level, name] : stack) {
                path += (path.empty() ? "" : ".") + name;
            }
            return path;
        };
        if (content.rfind("- ", 0) == 0 || content == "-") {
            const auto parent = path_of();
            const int item = list_counts[parent]++;
            stack.emplace_back(indent, std::to_string(item));
            content = trim(content.substr(1));
            indent += 2;
            if (content.empty()) {
                continue;
            }
        }
        const auto colon = content.find(": ");
        if (content.back() == ':') {
            stack.emplace_back(indent, content.substr(0, content.size() - 1));
        } else if (colon != std::string::npos && content[0] != '[' && content[0] != '"') {
            const auto parent = path_of();
            auto value = trim(content.substr(colon + 2));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
                value = value.substr(1, value.size() - 2);
            }
            out[(parent.empty() ? "" : parent + ".") + content.substr(0, colon)] = value;
            // A "- key: value" item opens a map at the item's indentation for the following keys.
        } else {
            out[path_of()] = content; // a scalar list item
        }
    }
    return out;
}

// Real YAML parsers agree when one is available (python3-yaml); the subset parser above always runs.
void expect_yaml_parses(const std::filesystem::path& file)
{
    if (core::run_process({"python3", "-c", "import yaml"}).exit_code != 0) {
        return;
    }
    const auto result = core::run_process(
        {"python3", "-c", "import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))", file.string()});
    EXPECT_EQ(result.exit_code, 0) << file << ": " << result.output;
}

std::string runtime_stage(const std::string& dockerfile)
{
    const auto start = dockerfile.find("FROM debian:12-slim");
    return start == std::string::npos ? std::string() : dockerfile.substr(start);
}

// Packages of the runtime stage's `apt-get install` line.
std::set<std::string> runtime_packages(const std::string& dockerfile)
{
    std::set<std::string> packages;
    const auto stage = runtime_stage(dockerfile);
    const auto install = stage.find("apt-get install");
    if (install == std::string::npos) {
        return packages;
    }
    std::istringstream words(stage.substr(install, stage.find('\n', install) - install));
    for (std::string word; words >> word;) {
        if (word == "&&" || word == "\\") {
            break;
        }
        if (word[0] != '-' && word != "apt-get" && word != "install") {
            packages.insert(word);
        }
    }
    return packages;
}

std::string package_of(const std::string& library_path)
{
    std::vector<std::string> candidates{library_path, std::filesystem::weakly_canonical(library_path).string()};
    for (const auto& candidate : std::vector<std::string>(candidates)) {
        // usrmerge: dpkg knows /lib/... and /usr/lib/... under the name the package shipped.
        if (candidate.rfind("/usr/", 0) == 0) {
            candidates.push_back(candidate.substr(4));
        } else {
            candidates.push_back("/usr" + candidate);
        }
    }
    // Debian 12's packages ship /usr/lib/...: try those spellings first (each miss costs a dpkg run).
    std::stable_partition(candidates.begin(), candidates.end(), [](const std::string& path) { return path.rfind("/usr/", 0) == 0; });
    for (const auto& candidate : candidates) {
        const auto result = core::run_process({"dpkg", "-S", candidate});
        if (result.exit_code == 0) {
            const auto package = result.output.substr(0, result.output.find(':'));
            return package;
        }
    }
    return {};
}

// Every installed package `roots` pull in through Depends/Pre-Depends, the roots included.
std::set<std::string> dependency_closure(const std::set<std::string>& roots)
{
    std::set<std::string> seen;
    std::deque<std::string> queue(roots.begin(), roots.end());
    const std::regex name(R"(([a-z0-9][a-z0-9+.-]+)(:[a-z0-9]+)?)");
    while (!queue.empty()) {
        const auto package = queue.front();
        queue.pop_front();
        if (!seen.insert(package).second) {
            continue;
        }
        const auto result = core::run_process({"dpkg-query", "-W", "-f=${Depends}, ${Pre-Depends}", package});
        if (result.exit_code != 0) {
            continue;
        }
        std::istringstream parts(result.output);
        for (std::string part; std::getline(parts, part, ',');) {
            std::istringstream alternatives(part);
            for (std::string alternative; std::getline(alternatives, alternative, '|');) {
                std::smatch match;
                const auto text = trim(alternative);
                if (std::regex_search(text, match, name) && match.position(0) == 0) {
                    queue.push_back(match[1]);
                }
            }
        }
    }
    return seen;
}

} // namespace

TEST(CliOpsDeploy, DockerfileBuildsThePackageWithDevShAndRunsAsNonRootOnDebianSlim)
{
    const auto dockerfile = testkit::read_file(deploy() / "Dockerfile");
    ASSERT_FALSE(dockerfile.empty());
    const auto build_stage = dockerfile.substr(0, dockerfile.find("FROM debian:12-slim"));
    EXPECT_NE(build_stage.find("FROM debian:12 AS build"), std::string::npos);
    EXPECT_NE(build_stage.find("RUN ./dev.sh package"), std::string::npos) << "the image builds the .deb like a checkout does";
    const auto runtime = runtime_stage(dockerfile);
    ASSERT_FALSE(runtime.empty()) << "the runtime stage is debian:12-slim";
    // The package, not a hand-copied binary: the man page, seed scenario and Depends come with it.
    EXPECT_NE(runtime.find("COPY --from=build /src/build/lockwise_*.deb /tmp/"), std::string::npos);
    EXPECT_EQ(runtime.find("/src/build/lockwise "), std::string::npos) << "the runtime stage copies the bare binary";
    EXPECT_NE(runtime.find("useradd"), std::string::npos);
    const std::regex user(R"(\nUSER\s+(\S+))");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(runtime, match, user));
    EXPECT_NE(match[1], "root");
    EXPECT_NE(match[1], "0");
    EXPECT_GT(runtime.find("ENTRYPOINT"), runtime.find("USER")) << "the entrypoint runs after USER switches away from root";
    // The entrypoint is where the package installs the binary (CPack's /usr prefix, install(TARGETS) to bin).
    EXPECT_NE(runtime.find("ENTRYPOINT [\"/usr/bin/lockwise\"]"), std::string::npos);
    // The build context must contain dev.sh (the build stage copies the whole checkout).
    EXPECT_TRUE(std::filesystem::exists(testkit::source_dir() / "dev.sh"));
}

TEST(CliOpsDeploy, RuntimeStageInstallsThePackageWhoseDependsCoverTheBinarysLibraries)
{
    const auto dockerfile = testkit::read_file(deploy() / "Dockerfile");
    const auto packages = runtime_packages(dockerfile);
    ASSERT_TRUE(packages.count("/tmp/lockwise_*.deb")) << "apt-get install must install the package (a path, so apt resolves its Depends)";
    // The package's Depends are not written by hand: CPack derives them with dpkg-shlibdeps.
    const auto cmake = testkit::read_file(testkit::source_dir() / "CMakeLists.txt");
    EXPECT_NE(cmake.find("set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)"), std::string::npos);
    EXPECT_EQ(cmake.find("CPACK_DEBIAN_PACKAGE_DEPENDS"), std::string::npos) << "hand-written Depends drift from the binary";
    // What dpkg-shlibdeps derives for this binary (as CPack runs it) plus what the apt-get line adds must
    // provide every shared library ldd resolves, directly or through Depends.
    testkit::TempDir work;
    work.write("debian/control", "Source: lockwise\n\nPackage: lockwise\nArchitecture: any\n");
    const auto shlibdeps = core::run_process(
        {"sh", "-c", fmt::format("cd '{}' && dpkg-shlibdeps -O '{}'", work.path().string(), testkit::lockwise_binary().string())});
    ASSERT_EQ(shlibdeps.exit_code, 0) << shlibdeps.output;
    const std::regex depends_line(R"(shlibs:Depends=(.*))");
    std::smatch depends_match;
    ASSERT_TRUE(std::regex_search(shlibdeps.output, depends_match, depends_line)) << shlibdeps.output;
    std::set<std::string> depends;
    std::istringstream parts(depends_match[1].str());
    for (std::string part; std::getline(parts, part, ',');) {
        const auto name = trim(part).substr(0, trim(part).find_first_of(" (:"));
        if (!name.empty()) {
            depends.insert(name);
        }
    }
    EXPECT_TRUE(depends.count("libpq5")) << shlibdeps.output;
    std::set<std::string> roots = depends;
    for (const auto& package : packages) {
        if (package.find('/') == std::string::npos) {
            roots.insert(package);
        }
    }
    const auto closure = dependency_closure(roots);
    const auto ldd = core::run_process({"ldd", testkit::lockwise_binary().string()});
    ASSERT_EQ(ldd.exit_code, 0) << ldd.output;
    std::istringstream lines(ldd.output);
    const std::regex entry(R"(^\s*(\S+)\s+=>\s+(\S+)\s+\()");
    const std::regex loader(R"(^\s*(/\S+)\s+\()");
    int checked = 0;
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        std::string soname;
        std::string path;
        if (std::regex_search(line, match, entry)) {
            soname = match[1];
            path = match[2];
        } else if (std::regex_search(line, match, loader)) {
            path = match[1];
            soname = std::filesystem::path(path).filename().string();
        } else {
            continue; // linux-vdso: provided by the kernel
        }
        if (soname.rfind("libasan", 0) == 0 || soname.rfind("libubsan", 0) == 0) {
            continue; // sanitizer builds only; the image is built without them
        }
        const auto package = package_of(path);
        ASSERT_FALSE(package.empty()) << path << " belongs to no Debian package";
        EXPECT_TRUE(closure.count(package)) << soname << " comes from " << package
                                            << ", which neither the package's Depends nor the runtime stage pulls in";
        ++checked;
    }
    EXPECT_GT(checked, 3) << ldd.output;
}

TEST(CliOpsDeploy, ComposeRunsMigrateToCompletionBeforeTheServices)
{
    const auto file = deploy() / "docker-compose.yml";
    expect_yaml_parses(file);
    const auto compose = flatten_yaml(testkit::read_file(file));
    EXPECT_EQ(compose.at("services.postgres.healthcheck.test"), "[\"CMD-SHELL\", \"pg_isready -U app -d app\"]");
    EXPECT_EQ(compose.at("services.migrate.depends_on.postgres.condition"), "service_healthy");
    EXPECT_EQ(compose.at("services.migrate.build.dockerfile"), "deploy/Dockerfile");
    EXPECT_NE(compose.at("services.migrate.command").find("--wait-for-db"), std::string::npos);
    for (const std::string service : {"api", "worker"}) {
        EXPECT_EQ(compose.at("services." + service + ".depends_on.migrate.condition"), "service_completed_successfully") << service;
    }
    // Nothing else depends on anything but migrate and postgres, and migrate depends on no service that needs it.
    for (const auto& [key, value] : compose) {
        if (key.find(".depends_on.") != std::string::npos) {
            const auto target = key.substr(key.find(".depends_on.") + 12);
            EXPECT_TRUE(target.rfind("migrate.", 0) == 0 || target.rfind("postgres.", 0) == 0) << key;
            EXPECT_FALSE(key.rfind("services.migrate.", 0) == 0 && target.rfind("migrate.", 0) == 0) << key;
        }
    }
}

TEST(CliOpsDeploy, KubernetesJobAndInitContainerRunMigrateAsNonRoot)
{
    const auto job_file = deploy() / "k8s" / "migrate-job.yaml";
    const auto init_file = deploy() / "k8s" / "deployment-init-container.yaml";
    expect_yaml_parses(job_file);
    expect_yaml_parses(init_file);
    const auto job = flatten_yaml(testkit::read_file(job_file));
    EXPECT_EQ(job.at("kind"), "Job");
    EXPECT_EQ(job.at("spec.template.spec.restartPolicy"), "Never");
    EXPECT_EQ(job.at("spec.template.spec.securityContext.runAsNonRoot"), "true");
    EXPECT_EQ(job.at("spec.template.spec.containers.0.name"), "migrate");
    EXPECT_NE(job.at("spec.template.spec.containers.0.args").find("\"migrate\""), std::string::npos);
    EXPECT_EQ(job.at("spec.template.spec.containers.0.env.0.name"), "DATABASE_URL");
    const auto init = flatten_yaml(testkit::read_file(init_file));
    EXPECT_EQ(init.at("kind"), "Deployment");
    EXPECT_EQ(init.at("spec.template.spec.securityContext.runAsNonRoot"), "true");
    EXPECT_EQ(init.at("spec.template.spec.initContainers.0.name"), "migrate");
    EXPECT_NE(init.at("spec.template.spec.initContainers.0.args").find("--lock-wait"), std::string::npos);
    EXPECT_EQ(init.at("spec.template.spec.containers.0.name"), "api");
}
