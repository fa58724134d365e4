using System.Text.Json;
using System.Text.Json.Serialization;

namespace Operator.RestApi;

/// <summary>Every error answer: <c>{"error": {"code", "message"}}</c>.</summary>
public sealed record ErrorResponse(ErrorDetail Error);
