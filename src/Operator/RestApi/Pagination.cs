using System.Text.Json;
using System.Text.Json.Serialization;

namespace Operator.RestApi;

/// <summary>Where a page sits in the whole list.</summary>
public sealed record Pagination(int Total, int Offset, int Limit);
