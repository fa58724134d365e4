using System.Text.Json;
using System.Text.Json.Serialization;

namespace Operator.RestApi;

/// <summary>Machine-readable code and a message naming the field and the problem.</summary>
public sealed record ErrorDetail(string Code, string Message);
