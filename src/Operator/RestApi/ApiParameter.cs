using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Operator.RestApi;

/// <summary>A query parameter as <c>/openapi.json</c> describes it (<paramref name="Type"/>: string, integer or boolean).</summary>
public sealed record ApiParameter(string Name, string Type, string Description);
