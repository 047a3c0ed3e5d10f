// Every governance result rendered for people (text) and for machines (JSON), in one place.
// The commands return plain structs (repository.h, review.h, history.h, trace.h); the
// command line, the demo and the tests print them through these functions. Rendering never
// throws: JSON goes through tally::DumpJson, so invalid UTF-8 in a name, a path or a message
// becomes U+FFFD instead of an exception.
#pragma once

#include <string>

#include "tally/governance/history.h"
#include "tally/governance/repository.h"
#include "tally/governance/review.h"
#include "tally/governance/trace.h"

namespace tally::governance {

std::string RenderText(const InitResult& r);
std::string RenderText(const ProposeResult& r);
std::string RenderText(const ApproveResult& r);
std::string RenderText(const MergeResult& r);
std::string RenderText(const FreezeResult& r);
std::string RenderText(const ReviewResult& r);
std::string RenderText(const LineageResult& r);
std::string RenderText(const AuditResult& r);
std::string RenderText(const ProvenanceResult& r);
std::string RenderText(const TraceResult& r);

// Pretty-printed (2 spaces), without a trailing newline.
std::string RenderJson(const InitResult& r);
std::string RenderJson(const ProposeResult& r);
std::string RenderJson(const ApproveResult& r);
std::string RenderJson(const MergeResult& r);
std::string RenderJson(const FreezeResult& r);
std::string RenderJson(const ReviewResult& r);
std::string RenderJson(const LineageResult& r);
std::string RenderJson(const AuditResult& r);
std::string RenderJson(const ProvenanceResult& r);
std::string RenderJson(const TraceResult& r);

// A command that could not run at all ("tally: MESSAGE"), as text or JSON.
std::string RenderErrorText(const Error& error);
std::string RenderErrorJson(const Error& error);

}  // namespace tally::governance
