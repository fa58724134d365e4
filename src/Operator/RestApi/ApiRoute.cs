using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Operator.RestApi;

/// <summary>
/// One route of the API. The listener maps exactly the routes of <see cref="ApiRoutes.For"/> and <c>/openapi.json</c> is
/// made from the same list, so the document cannot describe a route that is not served, nor leave one out.
/// </summary>
public sealed record ApiRoute(
    string Method,
    string Pattern,
    string OperationId,
    string Summary,
    string Access,
    Type? Body,
    Type? Response,
    IReadOnlyList<ApiParameter> Query,
    Func<HttpContext, Caller, CancellationToken, Task<object?>> Handle)
{
    /// <summary>200 with <see cref="Response"/>, or 204 when the route answers without a body.</summary>
    public int SuccessStatus => Response is null ? StatusCodes.Status204NoContent : StatusCodes.Status200OK;

    /// <summary>Whether <paramref name="path"/> fits this route's pattern (whatever the method).</summary>
    public bool Matches(PathString path) => new TemplateMatcher(TemplateParser.Parse(Pattern.TrimStart('/')), new RouteValueDictionary()).TryMatch(path, new RouteValueDictionary());
}
