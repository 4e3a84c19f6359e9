// The session's own answers: a gateway response, built in or as the
// request's API customised it (config/responses/gateway_responses), and whether the
// connection survives it.
#include <bit>
#include <chrono>

#include "gateway/http/gateway_response_writer.hpp"
#include "gateway/http/request_target.hpp"
#include "gateway/proxy/http_session.hpp"
#include "gateway/proxy/worker.hpp"

namespace ug::gateway {

bool http_session::body_discardable() const {
  if (!parser_ || parser_->is_done()) {
    return true;
  }
  if (expect_continue_) {
    return false;  // the client holds its body back until told to send it
  }
  const auto remaining = parser_->content_length_remaining();
  return remaining && *remaining <= discard_limit_bytes;
}

void http_session::find_responses_stage(std::string_view target) {
  responses_stage_ = config::no_stage;
  if (!config_ || !parser_ ||
      canonicalize_target(target, canonical_target_).problem != target_problem::none) {
    return;
  }
  // Of two Host fields (a refused head) neither names the API.
  const auto& fields = parser_->get();
  const std::string_view host =
      fields.count(http::field::host) == 1 ? std::string_view(fields[http::field::host]) : "";
  const config::stage_match stage = config_->stage_of(canonical_target_, host);
  responses_stage_ = stage.index;
  responses_base_bytes_ = stage.prefix_bytes;
}

void http_session::respond(gateway_response r, bool keep_alive,
                           const limiter::admission_result* admission, bool keyed) {
  const bool strict = settings().aws_strict;
  keep_alive = keep_alive && body_discardable();
  gateway_response_context ctx;
  ctx.date = std::string_view(date_.data(), date_.size());
  ctx.request_id = ids_.request_id();
  ctx.apigw_id = ids_.apigw_id();
  ctx.keep_alive = keep_alive;
  if (spec_of(r).status >= 500) {
    ctx.trace_id = ids_.trace_id();  // the exchange reached the integration
  }
  if (!strict && admission != nullptr) {
    if (spec_of(r).status == 429) {
      ctx.retry_after_s = retry_after_seconds(admission->retry_after_ns);
    }
    if (keyed && format_rate_limit_fields(*admission, now_.utc_ns, rate_limit_)) {
      ctx.rate_limit = &rate_limit_;
    }
  }

  const config::gateway_response_table* table =
      config_ ? config_->gateway_responses(responses_stage_) : nullptr;
  const config::custom_gateway_response* custom =
      table != nullptr ? table->find(aws_type_of(r)) : nullptr;
  const char* data = out_.data();
  std::size_t n = 0;
  if (custom == nullptr) {
    n = write_gateway_response(r, ctx, out_.data(), out_.size());
    exchange_.status = static_cast<int>(spec_of(r).status);
  } else {
    gateway_response_request req;
    req.stage = config_->stages()[responses_stage_].stage_name;
    req.resource_path = exchange_.resource;
    const std::string_view canonical(canonical_target_);
    req.path = canonical.substr(0, canonical.find('?')).substr(responses_base_bytes_);
    if (req.path.empty()) {
      req.path = "/";
    }
    req.source_ip = client_ip_;
    const http::header<true, arena_fields>* fields = nullptr;
    if (parser_) {
      fields = &parser_->get();
      req.http_method = fields->method_string();
      const std::string_view target = fields->target();
      if (const std::size_t q = target.find('?'); q != std::string_view::npos) {
        req.query = target.substr(q + 1);
      }
    }
    n = write_custom_gateway_response(r, *custom, ctx, req, fields, out_.data(), out_.size());
    if (n > out_.size()) {
      if (large_out_bytes_ < n) {
        large_out_bytes_ = std::bit_ceil(n);
        large_out_.reset(new char[large_out_bytes_]);
      }
      write_custom_gateway_response(r, *custom, ctx, req, fields, large_out_.get(),
                                    large_out_bytes_);
      data = large_out_.get();
    }
    exchange_.status = static_cast<int>(custom->status != 0 ? custom->status : spec_of(r).status);
  }
  expire_after(std::chrono::milliseconds(settings().header_timeout_ms));
  net::async_write(
      client_.socket, net::buffer(data, n),
      beast::bind_front_handler(&http_session::on_write_response, shared_from_this(), keep_alive));
}

}  // namespace ug::gateway
