using System.Text;

namespace Operator.Stores.Azure;

/// <summary>
/// Maps (tenant, group, key) to a Key Vault secret name, injectively even though Key Vault compares names
/// case-insensitively and allows only <c>[0-9a-zA-Z-]</c>, 1 to 127 characters.
/// </summary>
/// <remarks>
/// The name is <c>&lt;tenant&gt;--&lt;group&gt;--&lt;key&gt;</c>, each part escaped: lowercase letters and digits stay;
/// <c>-</c> becomes <c>-d</c>, <c>.</c> becomes <c>-p</c>, <c>_</c> becomes <c>-u</c>, and <c>-c</c> switches between
/// lowercase and uppercase for the letters that follow (each part starts in lowercase). Letters keep their case in the
/// name for readability, but the switches alone carry it, so the lowercased name decodes to the same parts:
/// <c>acme</c>, <c>openai-keys</c>, <c>OPENAI_API_KEY</c> gives <c>acme--openai-dkeys---cOPENAI-uAPI-uKEY</c>.
/// Read as tokens (a letter or digit; <c>-</c> followed by d, p, u or c; <c>--</c>), no token is a prefix of
/// another, so a name reads back one way only and two different inputs never share a name.
/// </remarks>
public static class AzureSecretNames
{
    /// <summary>Key Vault's longest secret name.</summary>
    public const int MaxLength = 127;

    private const string Separator = "--";

    /// <summary>The secret name for a group's key; it may be longer than <see cref="MaxLength"/> (see <see cref="IsValid"/>).</summary>
    public static string Encode(string tenant, string group, string key)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(key);
        var sb = new StringBuilder(tenant.Length + group.Length + key.Length + 8);
        EncodePart(sb, tenant);
        sb.Append(Separator);
        EncodePart(sb, group);
        sb.Append(Separator);
        EncodePart(sb, key);
        return sb.ToString();
    }

    /// <summary>Reads a name made by <see cref="Encode"/> back (in any letter case); null when it is not one.</summary>
    public static (string Tenant, string Group, string Key)? Decode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = new List<string>(3);
        var part = new StringBuilder();
        var upper = false;
        for (var i = 0; i < name.Length; i++)
        {
            var c = char.ToLowerInvariant(name[i]);
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                part.Append(upper ? char.ToUpperInvariant(c) : c);
                continue;
            }

            if (c != '-' || i + 1 >= name.Length)
            {
                return null;
            }

            switch (char.ToLowerInvariant(name[++i]))
            {
                case '-':
                    parts.Add(part.ToString());
                    part.Clear();
                    upper = false;
                    break;
                case 'd':
                    part.Append('-');
                    break;
                case 'p':
                    part.Append('.');
                    break;
                case 'u':
                    part.Append('_');
                    break;
                case 'c':
                    upper = !upper;
                    break;
                default:
                    return null;
            }
        }

        parts.Add(part.ToString());
        return parts.Count == 3 ? (parts[0], parts[1], parts[2]) : null;
    }

    /// <summary>True when <paramref name="name"/> is a name Key Vault accepts.</summary>
    public static bool IsValid(string name) =>
        name is { Length: > 0 and <= MaxLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static void EncodePart(StringBuilder sb, string part)
    {
        var upper = false;
        foreach (var c in part)
        {
            if (char.IsAsciiLetter(c))
            {
                if (char.IsAsciiLetterUpper(c) != upper)
                {
                    sb.Append("-c");
                    upper = !upper;
                }

                sb.Append(c);
                continue;
            }

            sb.Append(c switch
            {
                _ when char.IsAsciiDigit(c) => c.ToString(),
                '-' => "-d",
                '.' => "-p",
                '_' => "-u",
                _ => throw new ArgumentException($"'{c}' cannot appear in a tenant, group or key name", nameof(part)),
            });
        }
    }
}
