using CsCheck;
using Operator.References;

namespace Operator.Tests.References;

/// <summary>CsCheck generators for valid grammar parts, written from the grammar, not from the parser.</summary>
internal static class ReferenceGenerators
{
    private const string LowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string KeyChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";

    // Names that look like other parts of the grammar come up often: a tenant may well be called "tfy-secret".
    private static readonly Gen<string> ConfusableName =
        Gen.OneOf("tfy-secret", "tfy-k8s-secret", "secret-store", "aws", "kubernetes", "a", "0", "data");

    private static readonly Gen<string> RandomName =
        Gen.Select(Gen.Char[LowerAlnum].Array[1, 63], Gen.Int[0, 62].Array[0, 6], (chars, hyphens) =>
        {
            foreach (var at in hyphens)
            {
                if (at > 0 && at < chars.Length - 1)
                {
                    chars[at] = '-';
                }
            }

            return new string(chars);
        });

    // Declared after its parts: static fields initialise in text order.
    public static readonly Gen<string> Name = Gen.Frequency((1, ConfusableName), (4, RandomName));

    public static readonly Gen<string> Key =
        Gen.OneOf(Gen.Char[KeyChars].Array[1, 20], Gen.Char[KeyChars].Array[1, 253])
            .Select(chars => new string(chars))
            .Where(key => key is not "." and not ".." && !key.StartsWith("..", StringComparison.Ordinal));

    // Printable ASCII without space; '/' and '.' weighted up so '..' segments and SSM-style paths come up often.
    public static readonly Gen<string> Path =
        Gen.Frequency((6, Gen.Char['!', '~']), (2, Gen.Const('/')), (2, Gen.Const('.')), (1, Gen.Const(':')))
            .Array[1, 300]
            .Select(chars => new string(chars))
            .Where(path => !path.Split('/').Contains(".."));

    public static readonly Gen<IntegrationFqn> Integration =
        Gen.Select(Name, Gen.Int[0, ProviderSegments.All.Count - 1].Select(i => new Provider(ProviderSegments.All[i])), Name, Name, (tenant, provider, account, name) =>
            new IntegrationFqn(tenant, provider, account, name));

    public static readonly Gen<GroupFqn> Group = Gen.Select(Name, Name, (tenant, group) => new GroupFqn(tenant, group));

    public static readonly Gen<SecretFqn> Secret =
        Gen.Select(Name, Name, Key, (tenant, group, key) => new SecretFqn(tenant, group, key));

    public static readonly Gen<SecretReference> Reference = Gen.OneOf<SecretReference>(
        Secret.Select(secret => (SecretReference)new GroupKeyReference(secret)),
        Gen.Select(Integration, Path, (integration, path) => (SecretReference)new StorePathReference(integration, path)),
        Key.Select(key => (SecretReference)new K8sSecretReference(key)));

    public static readonly Gen<ReferenceForms> Forms = Gen.Int[0, 7].Select(bits => (ReferenceForms)bits);

    /// <summary>Valid texts of every kind, then 1 to 4 random insertions, deletions and replacements.</summary>
    public static readonly Gen<string> MutatedValidText =
        Gen.Select(
            Gen.OneOf(
                Reference.Select(reference => reference.ToString()),
                Integration.Select(fqn => fqn.ToString()),
                Group.Select(fqn => fqn.ToString())),
            Gen.Select(Gen.Int[0, 2], Gen.Int[0, 10_000], Interesting).Array[1, 4],
            Mutate);

    /// <summary>Anything at all, including surrogates and control characters.</summary>
    public static readonly Gen<string> AnyText = Gen.OneOf(Gen.String, Gen.Char.Array[0, 80].Select(chars => new string(chars)));

    private static Gen<char> Interesting =>
        Gen.OneOf(Gen.Char[":/.-_ \t\n\u00e9\u0000AZaz09'"], Gen.Char, Gen.Char['!', '~']);

    private static string Mutate(string text, (int Kind, int Position, char Char)[] mutations)
    {
        var chars = new List<char>(text);
        foreach (var (kind, position, c) in mutations)
        {
            var at = chars.Count == 0 ? 0 : position % (chars.Count + (kind == 0 ? 1 : 0));
            switch (kind)
            {
                case 0:
                    chars.Insert(at, c);
                    break;
                case 1 when chars.Count > 0:
                    chars.RemoveAt(at);
                    break;
                case 2 when chars.Count > 0:
                    chars[at] = c;
                    break;
            }
        }

        return new string([.. chars]);
    }
}
