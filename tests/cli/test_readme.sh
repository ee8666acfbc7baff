#!/bin/sh
# The README's configuration example, suppression example, CI snippets and
# pre-commit snippet, taken from README.md and run: the YAML parses, the
# bosun command lines in it produce what the CI system expects, and the
# pre-commit hook works with pre-commit itself.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sarif.sh"
readme=$BOSUN_TEST_DATA/../README.md
hooks_file=$BOSUN_TEST_DATA/../.pre-commit-hooks.yaml
PATH=$(cd "$(dirname "$BOSUN_BIN")" && pwd):$PATH
export PATH

# snippet NAME: the code block after `<!-- tested by ...: NAME -->`.
snippet() {
    python3 - "$readme" "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"<!-- tested by tests/cli/test_readme\.sh: %s -->\n```[a-z]*\n(.*?)```"
              % re.escape(sys.argv[2]), text, re.S)
if not m:
    sys.exit("README.md has no snippet " + sys.argv[2])
sys.stdout.write(m.group(1))
PY
}

# yaml_get FILE EXPR: prints the Python expression over the document y.
yaml_get() {
    python3 - "$1" "$2" <<'PY'
import sys, yaml
y = yaml.safe_load(open(sys.argv[1]))
print(eval(sys.argv[2]))
PY
}

# A project with Dockerfiles that have findings.
project=$TMP/project
mkdir -p "$project/services/api"
printf 'FROM debian\nRUN curl -fsSL https://example.com/install.sh | sh\n' >"$project/Dockerfile"
printf 'FROM python:3.12\nRUN pip install flask\n' >"$project/services/api/Dockerfile"

# --- Configuration example -------------------------------------------
mkdir "$TMP/configured"
snippet config >"$TMP/configured/.bosun.yaml" || fail "no config snippet"
cat >"$TMP/configured/Dockerfile" <<'DF'
FROM debian AS build
RUN apt-get update && apt-get -y upgrade
FROM quay.io/acme/tool:1.0 AS tool
FROM registry.example.com/base/app:nonroot
DF
(cd "$TMP/configured" && "$BOSUN_BIN" lint --format json Dockerfile) >"$TMP/out" 2>"$TMP/err"
[ $? -eq 1 ] || fail "config example: want exit 1 ($(cat "$TMP/err"))"
json_check "$TMP/out" \
    '[(f["rule"], f["severity"], f["line"]) for f in d["findings"] if f["severity"] != "info"] == [("from-latest", "error", 1), ("untrusted-registry", "warning", 3)]'

# --- Suppression example ---------------------------------------------
snippet suppressions >"$TMP/suppressed.Dockerfile" || fail "no suppressions snippet"
expect_status 0 "$BOSUN_BIN" lint --no-config --format json "$TMP/suppressed.Dockerfile"
json_check "$TMP/out" 'all(f["severity"] == "info" for f in d["findings"])'

# --- GitHub Actions ----------------------------------------------------
snippet github >"$TMP/github.yml" || fail "no github snippet"
steps='y["jobs"]["bosun"]["steps"]'
run=$(yaml_get "$TMP/github.yml" "[s['run'] for s in $steps if 'bosun lint' in s.get('run', '')][0]")
sarif_file=$(yaml_get "$TMP/github.yml" "[s['with']['sarif_file'] for s in $steps if s.get('uses', '').startswith('github/codeql-action/upload-sarif@')][0]")
[ "$(yaml_get "$TMP/github.yml" "[s.get('if') for s in $steps if 'upload-sarif' in s.get('uses', '')][0]")" = "always()" ] ||
    fail "the SARIF upload must run when the lint step fails"
[ "$(yaml_get "$TMP/github.yml" 'y["jobs"]["bosun"]["permissions"]["security-events"]')" = write ] ||
    fail "uploading SARIF needs security-events: write"
(cd "$project" && sh -c "$run") 2>"$TMP/err"
[ $? -eq 1 ] || fail "github: '$run' should fail on findings ($(cat "$TMP/err"))"
[ -s "$project/$sarif_file" ] || fail "github: '$run' did not write $sarif_file"
json_check "$project/$sarif_file" \
    'len(d["runs"][0]["results"]) >= 3' \
    'sorted({r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in d["runs"][0]["results"]}) == ["Dockerfile", "services/api/Dockerfile"]'
sarif_validate "$project/$sarif_file"
rm -f "$project/$sarif_file"

# --- GitLab CI -----------------------------------------------------------
snippet gitlab >"$TMP/gitlab.yml" || fail "no gitlab snippet"
run=$(yaml_get "$TMP/gitlab.yml" "[l for l in y['bosun']['script'] if 'bosun lint' in l][0]")
report=$(yaml_get "$TMP/gitlab.yml" "y['bosun']['artifacts']['reports']['codequality']")
[ "$(yaml_get "$TMP/gitlab.yml" "y['bosun']['artifacts']['when']")" = always ] ||
    fail "the Code Quality report must be kept when the job fails"
(cd "$project" && sh -c "$run") 2>"$TMP/err"
[ $? -eq 1 ] || fail "gitlab: '$run' should fail on findings ($(cat "$TMP/err"))"
json_check "$project/$report" \
    'isinstance(d, list) and len(d) >= 3' \
    'all(isinstance(i["description"], str) and i["check_name"] and i["fingerprint"] for i in d)' \
    'all(i["severity"] in ("info", "minor", "major", "critical", "blocker") for i in d)' \
    'all(isinstance(i["location"]["lines"]["begin"], int) for i in d)' \
    'sorted({i["location"]["path"] for i in d}) == ["Dockerfile", "services/api/Dockerfile"]' \
    'len({i["fingerprint"] for i in d}) == len(d)'
rm -f "$project/$report"

# --- Images in a registry ------------------------------------------------
# The snippets' bosun image steps run with the secrets they name, against
# a registry that is not there: the options are taken (no usage error),
# the password is read, and it is never shown.
registry_secret=s3cret-$$-pw
registry=127.0.0.1:9/nowhere
# run_image_step SCRIPT ENV...: runs SCRIPT with `docker` stubbed (it
# names the image by digest) and the environment given.
run_image_step() {
    script=$1
    shift
    mkdir -p "$TMP/stub"
    printf '#!/bin/sh\necho %s@sha256:%064d\n' "$registry" 0 >"$TMP/stub/docker"
    chmod +x "$TMP/stub/docker"
    env PATH="$TMP/stub:$PATH" "$@" sh -c "$script" >"$TMP/out" 2>"$TMP/err" </dev/null
    [ $? -eq 2 ] || fail "'$script' should fail to reach the registry ($(cat "$TMP/err"))"
    expect_not_contains "$TMP/err" "usage:"
    expect_not_contains "$TMP/err" "--creds"
    expect_not_contains "$TMP/err" "--password-stdin"
    expect_not_contains "$TMP/err" "$registry_secret"
    expect_not_contains "$TMP/out" "$registry_secret"
}
snippet github-image >"$TMP/github-image.yml" || fail "no github-image snippet"
steps='y["jobs"]["image"]["steps"]'
step="[s for s in $steps if 'bosun image --creds' in s.get('run', '')][0]"
run=$(yaml_get "$TMP/github-image.yml" "$step['run']")
[ "$(yaml_get "$TMP/github-image.yml" "$step['env']['BOSUN_REGISTRY_PASSWORD']")" = '${{ secrets.REGISTRY_PASSWORD }}' ] ||
    fail "github-image: the password must come from a secret"
run_image_step "$run" IMAGE=app:1 REGISTRY_USER=ci BOSUN_REGISTRY_PASSWORD="$registry_secret"
expect_contains "$TMP/err" "$registry"
[ "$(yaml_get "$TMP/github-image.yml" "[s['run'] for s in $steps if 'bosun image' in s.get('run', '')][0]")" = 'docker save "$IMAGE" | bosun image -' ] ||
    fail "github-image: the image is to be checked before the push"

snippet gitlab-image >"$TMP/gitlab-image.yml" || fail "no gitlab-image snippet"
run=$(yaml_get "$TMP/gitlab-image.yml" "[l for l in y['bosun-image']['script'] if 'bosun image' in l][0]")
run_image_step "$run" CI_REGISTRY_USER=ci CI_REGISTRY_PASSWORD="$registry_secret" \
    CI_REGISTRY_IMAGE=$registry CI_COMMIT_SHA=0123abc
expect_contains "$TMP/err" "$registry:0123abc"

# --- pre-commit ----------------------------------------------------------
command -v pre-commit >/dev/null || fail "pre-commit is not installed (scripts/deps.sh test)"
export GIT_AUTHOR_NAME=bosun GIT_AUTHOR_EMAIL=bosun@example.com
export GIT_COMMITTER_NAME=bosun GIT_COMMITTER_EMAIL=bosun@example.com
export PRE_COMMIT_HOME="$TMP/pre-commit-home"
snippet pre-commit >"$TMP/pre-commit.yaml" || fail "no pre-commit snippet"
rev=$(yaml_get "$TMP/pre-commit.yaml" 'y["repos"][0]["rev"]')
# The hook repository: this .pre-commit-hooks.yaml, tagged as the snippet says.
mkdir "$TMP/hooks"
cp "$hooks_file" "$TMP/hooks/"
(cd "$TMP/hooks" && git init -q && git add . && git commit -qm hooks && git tag "$rev") ||
    fail "cannot make the hook repository"
python3 - "$TMP/pre-commit.yaml" "$TMP/hooks" "$project/.pre-commit-config.yaml" <<'PY'
import sys, yaml
y = yaml.safe_load(open(sys.argv[1]))
y["repos"][0]["repo"] = sys.argv[2]
yaml.safe_dump(y, open(sys.argv[3], "w"))
PY
# Files the hook must leave alone: not Dockerfiles.
printf 'node_modules\n' >"$project/Dockerfile.dockerignore"
printf '# api\n' >"$project/services/api/README.md"
(cd "$project" && git init -q && git add .) || fail "cannot make the project repository"
(cd "$project" && pre-commit run --all-files) >"$TMP/out" 2>&1
[ $? -eq 1 ] || fail "pre-commit should fail on findings: $(tail -20 "$TMP/out")"
expect_contains "$TMP/out" "Dockerfile:2:"
expect_contains "$TMP/out" "services/api/Dockerfile:1:"
expect_not_contains "$TMP/out" "Dockerfile.dockerignore"
printf 'FROM debian:12.5\nUSER 10001\n' >"$project/Dockerfile"
printf 'FROM python:3.12.3\nUSER 10001\n' >"$project/services/api/Dockerfile"
(cd "$project" && git add . && pre-commit run --all-files) >"$TMP/out" 2>&1 ||
    fail "pre-commit should pass on clean Dockerfiles: $(tail -20 "$TMP/out")"
expect_contains "$TMP/out" "Passed"
finish
