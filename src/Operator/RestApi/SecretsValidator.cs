using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.RestApi;

/// <summary>Checks the body of <c>PUT /v1/secret-groups/{id}</c> against the group; every problem names the field.</summary>
public static class SecretsValidator
{
    /// <summary>Most keys a group may hold (spec.secrets maxItems).</summary>
    public const int MaxKeys = 500;

    /// <summary>The plan for <paramref name="request"/> on <paramref name="group"/>; <paramref name="hasPrecondition"/>: the caller named the version it decided on.</summary>
    public static SecretsPlan Validate(SetSecretsRequest? request, SecretGroup group, bool hasPrecondition)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (request?.Secrets is not { } secrets)
        {
            throw ApiException.Invalid("secrets", "is required (the complete list of keys; keys left out leave the group)");
        }

        if (secrets.Count > MaxKeys)
        {
            throw ApiException.Invalid("secrets", $"has {secrets.Count} keys; a group holds at most {MaxKeys}");
        }

        if (secrets.Count == 0 && request.AllowEmpty != true)
        {
            throw ApiException.Invalid("secrets", "is empty, which removes every key of the group; send \"allowEmpty\": true if that is what you mean");
        }

        var current = (group.Spec.Secrets ?? []).ToDictionary(s => s.Key, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<SecretInput>(secrets.Count);
        var readded = new List<int>();
        for (var i = 0; i < secrets.Count; i++)
        {
            var field = $"secrets[{i}]";
            var input = secrets[i] ?? throw ApiException.Invalid(field, "must be an object with key and, optionally, value");
            if (ReferenceParser.DescribeInvalidSecretKey(input.Key) is { } problem)
            {
                throw ApiException.Invalid($"{field}.key", problem);
            }

            if (!seen.Add(input.Key!))
            {
                throw ApiException.Invalid($"{field}.key", $"'{input.Key}' is listed more than once");
            }

            current.TryGetValue(input.Key!, out var spec);
            if (input.Value is not null && input.ValueBase64 is not null)
            {
                throw ApiException.Invalid($"{field}.valueBase64", "give value (text) or valueBase64 (bytes), not both");
            }

            if (input.ValueBase64 is { } encoded && !IsBase64(encoded))
            {
                throw ApiException.Invalid($"{field}.valueBase64", "is not base64 (RFC 4648, with padding)");
            }

            if (!input.HasValue && spec is null)
            {
                readded.Add(i);
            }

            if (input.HasValue && spec?.RemoteRef is not null)
            {
                throw ApiException.Invalid($"{field}.value", $"key '{input.Key}' reads from spec.secrets remoteRef, not from the group's own location; its value cannot be set here");
            }

            result.Add(input);
        }

        var removed = current.Values.Where(s => !seen.Contains(s.Key)).ToList();
        if (removed.Count > 0 && !hasPrecondition)
        {
            var names = string.Join(", ", removed.Take(5).Select(s => $"'{s.Key}'")) + (removed.Count > 5 ? $" and {removed.Count - 5} more" : "");
            throw new ApiException(428, "precondition_required", $"secrets: leaves out {names}, which removes them; send the group's resourceVersion (If-Match header or \"resourceVersion\") from the GET you based the list on, so a key added meanwhile is not removed");
        }

        return new SecretsPlan(result, removed, readded);
    }

    private static bool IsBase64(string text) => text.Length % 4 == 0 && Convert.TryFromBase64String(text, new byte[text.Length / 4 * 3], out _);
}
