# Helpers shared by the deploy scripts (sourced, run from the repository root).
version="0.1.0-SNAPSHOT"

java_cmd() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    echo "$JAVA_HOME/bin/java"
  else
    command -v java || { echo "java (17 or newer) is not on the PATH" >&2; exit 1; }
  fi
}

deploy_jar() {
  echo "deploy/target/deploy-${version}-all.jar"
}

build() {
  echo "building: mvn -q -B -DskipTests $* (first run only)" >&2
  mvn -q -B -DskipTests "$@" >&2
}

ensure_deploy_jar() {
  if [[ ! -f "$(deploy_jar)" || ! -f deploy/target/broker.classpath ]]; then
    build -pl deploy -am package
  fi
}

ensure_service_jars() {
  local m missing=0
  for m in gateway stt-worker llm-worker tts-worker; do
    [[ -f "$m/target/$m-${version}-all.jar" ]] || missing=1
  done
  if (( missing )); then
    build package
  fi
}
