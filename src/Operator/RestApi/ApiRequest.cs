using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Operator.RestApi;

/// <summary>What the routes read from a request: route values, query parameters, If-Match and the JSON body.</summary>
public static class ApiRequest
{
    public static string Id(HttpContext context) => Route(context, "id");

    public static string Route(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.RouteValues[name] as string ?? "";
    }

    /// <summary>The query parameter, null when absent; repeated ones joined with commas (<c>a=1&amp;a=2</c> is <c>1,2</c>).</summary>
    public static string? Query(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = context.Request.Query[name];
        return values.Count == 0 ? null : string.Join(',', values.ToArray());
    }

    /// <summary>The version in <c>If-Match</c> (an entity tag, quotes and a weak prefix dropped), or null.</summary>
    public static string? IfMatch(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            return null;
        }

        if (header.StartsWith("W/", StringComparison.Ordinal))
        {
            header = header[2..];
        }

        return header.Trim('"');
    }

    public static async Task<T?> ReadAsync<T>(HttpContext context)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, ApiJson.Options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            // Only the position: the parser's own message may quote the text it choked on, which can be a value.
            throw ApiException.Invalid("body", $"is not valid JSON for this request at {e.Path ?? "$"}");
        }
    }
}
