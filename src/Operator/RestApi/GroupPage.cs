using System.Text.Json;
using System.Text.Json.Serialization;

namespace Operator.RestApi;

/// <summary>A page of groups.</summary>
public sealed record GroupPage(IReadOnlyList<GroupView> Data, Pagination Pagination);
