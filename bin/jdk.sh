# Sourced by bin/exaone4j and bin/test: finds a JDK >= 25 and exports JAVA_HOME, or explains what is missing.
exaone4j_java_major() {  # prints the feature version of the java at $1/bin/java, or nothing
  [ -x "$1/bin/java" ] || return 1
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}
exaone4j_find_jdk() {
  local cand major
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(exaone4j_java_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge 25 ] && [ -x "$JAVA_HOME/bin/javac" ]; then return 0; fi
  fi
  for cand in /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -d "$cand" ] || continue
    major=$(exaone4j_java_major "$cand")
    if [ -n "$major" ] && [ "$major" -ge 25 ] && [ -x "$cand/bin/javac" ]; then export JAVA_HOME="$cand"; return 0; fi
  done
  {
    echo "exaone4j needs a JDK 25 or newer (Vector API incubator module, FFM, virtual threads)."
    if [ -n "${JAVA_HOME:-}" ]; then echo "  JAVA_HOME=$JAVA_HOME is not a JDK >= 25."; fi
    echo "  None was found under /usr/lib/jvm either."
    echo "  Install one (for example Temurin 25: apt install temurin-25-jdk) or set JAVA_HOME to it."
  } >&2
  return 1
}
exaone4j_need_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  echo "exaone4j builds with Apache Maven, which is not on PATH (apt install maven)." >&2
  return 1
}
