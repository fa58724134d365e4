namespace Operator.Stores;

/// <summary>
/// The one rule for store endpoints a spec names: an absolute http(s) URL without user info; plain http only to this
/// machine (loopback) unless the integration sets <c>spec.insecure: true</c>, since credentials and values would
/// travel unencrypted (the integration then carries condition Insecure).
/// </summary>
public static class Endpoints
{
    /// <summary>Why <paramref name="url"/> cannot be the endpoint at <paramref name="field"/>; null when it can.</summary>
    public static string? Problem(string field, string? url, bool insecure)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return $"{field}: {Echo.Quote(url ?? "")} is not an absolute http(s) URL without user info";
        }

        return IsPlainHttpToAnotherHost(uri) && !insecure
            ? $"{field}: plain http to '{uri.Host}' sends credentials and values unencrypted; use https, or set spec.insecure: true"
            : null;
    }

    /// <summary>True for <c>http://</c> to a host that is not a loopback address or <c>localhost</c>.</summary>
    public static bool IsPlainHttpToAnotherHost(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsPlainHttpToAnotherHost(uri);

    private static bool IsPlainHttpToAnotherHost(Uri uri) => uri.Scheme == "http" && !uri.IsLoopback;
}
