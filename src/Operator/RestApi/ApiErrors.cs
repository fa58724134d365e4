namespace Operator.RestApi;

/// <summary>
/// The stable <c>error.code</c> values, each with its HTTP status: clients branch on the code, humans read the message.
/// /openapi.json lists them; a code not here is never sent.
/// </summary>
public static class ApiErrors
{
    /// <summary>Every code and its status.</summary>
    public static IReadOnlyDictionary<string, int> Statuses { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["validation_failed"] = 422,
        ["body_too_large"] = 413,
        ["unauthenticated"] = 401,
        ["forbidden"] = 403,
        ["not_found"] = 404,

        // A version of a value in a store that keeps only the current one (the built-in store).
        ["version_not_kept"] = 404,
        ["method_not_allowed"] = 405,
        ["conflict"] = 409,
        ["stale"] = 409,
        ["precondition_required"] = 428,
        ["rate_limited"] = 429,

        // The rules a sync obeys, refusing a store read or write (GroupStoreAccess): the condition reason in snake_case.
        ["fqn_conflict"] = 409,
        ["invalid_spec"] = 409,
        ["integration_not_found"] = 409,
        ["integration_not_ready"] = 409,
        ["access_denied"] = 409,
        ["store_read_only"] = 409,
        ["store_error"] = 502,
        ["kubernetes_error"] = 502,
        ["authentication_unavailable"] = 503,
        ["not_ready"] = 503,
        ["internal"] = 500,
    };

    public static IEnumerable<string> Codes => Statuses.Keys;

    /// <summary>
    /// The code for a refusal by the sync's rules: <c>FqnConflict</c> is <c>fqn_conflict</c>. A reason without its own
    /// code is <c>store_error</c> when a retry may succeed (credentials, the store's answer), else <c>conflict</c>.
    /// </summary>
    public static string OfCondition(string reason, bool retry)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var code = string.Concat(reason.Select((c, i) => char.IsUpper(c) ? (i == 0 ? "" : "_") + char.ToLowerInvariant(c) : c.ToString()));
        return Statuses.TryGetValue(code, out var status) && status == 409 ? code : retry ? "store_error" : "conflict";
    }
}
