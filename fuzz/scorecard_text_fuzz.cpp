// libFuzzer target: `.kpi` scorecards and QA forms, text → JSON spec → Scorecard / QaForm, on
// arbitrary text (the same input goes through both translators).
// Invariants (abort() when broken): the translation either returns a spec or throws
// dsl::CompileError with one diagnostic inside the text; a translated spec goes through
// Scorecard::check without any other exception, and compile() succeeds exactly when check() finds
// no error.
//
//   ./build-fuzz/fuzz/scorecard_text_fuzz -max_total_time=60 fuzz/corpus-scorecard_text_fuzz
#include <kpiscore/dsl/diagnostic.hpp>
#include <kpiscore/dsl/scorecard_text.hpp>
#include <kpiscore/scoring/qa_form.hpp>
#include <kpiscore/scoring/scorecard.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "scorecard_text_fuzz: invariant broken: %s\n", what);
  std::abort();
}

// One translator's invariants: a spec or one CompileError inside the text; then Spec::check and
// Spec::compile agree, and nothing else is thrown.
template <class Spec>
void translate_and_compile(nlohmann::json (*translate)(std::string_view, std::string_view,
                                                       kpiscore::dsl::SpecSourceMap*),
                           std::string_view text) {
  nlohmann::json spec;
  try {
    spec = translate(text, "f.kpi", nullptr);
  } catch (const kpiscore::dsl::CompileError& e) {
    if (e.diagnostics().size() != 1) fail("a syntax error carries one diagnostic");
    if (e.diagnostics().front().range.begin > text.size()) fail("a diagnostic outside the text");
    return;
  } catch (...) {
    fail("the translation threw something other than CompileError");
  }
  bool compiled = true;
  try {
    (void)Spec::compile(spec);
  } catch (const kpiscore::scoring::SpecError&) {
    compiled = false;
  } catch (...) {
    fail("compile threw something other than SpecError");
  }
  if (Spec::check(spec).empty() != compiled) fail("check and compile disagree");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  translate_and_compile<kpiscore::scoring::Scorecard>(&kpiscore::dsl::scorecard_text_to_json, text);
  translate_and_compile<kpiscore::scoring::QaForm>(&kpiscore::dsl::form_text_to_json, text);
  return 0;
}
