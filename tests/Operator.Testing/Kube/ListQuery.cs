using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Kube;

/// <summary>A list request's chunking parameters and the page's ListMeta, as kube-apiserver reads and writes them.</summary>
internal static class ListQuery
{
    /// <summary>metadata.continue and remainingItemCount of a page that is not the last (ListMeta).</summary>
    public static void AddContinue(JsonObject list, ListPage? page)
    {
        if (page?.Continue is { } next && list["metadata"] is JsonObject metadata)
        {
            metadata["continue"] = next;
            if (page.RemainingItemCount is { } remaining)
            {
                metadata["remainingItemCount"] = remaining;
            }
        }
    }

    /// <summary>The list's <c>limit</c>: 0 (everything) when absent; kube-apiserver's validation refuses a negative one.</summary>
    public static long Limit(IQueryCollection query)
    {
        if (query["limit"] is not { Count: > 0 } raw || string.IsNullOrEmpty(raw))
        {
            return 0;
        }

        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            ? limit
            : throw KubeApiException.BadRequest($"limit: Invalid value: \"{raw}\": must be a non-negative integer");
    }

    /// <summary>Whether the list filters by label or field (then the remaining item count is unknown and omitted).</summary>
    public static bool Selective(IQueryCollection query) =>
        !string.IsNullOrEmpty(query["labelSelector"]) || !string.IsNullOrEmpty(query["fieldSelector"]);
}
