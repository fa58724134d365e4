using CsCheck;
using Operator.References;

namespace Operator.Tests.References;

public sealed class ReferenceParserPropertyTests
{
    private const string Field = "spec.field";
    private const long RoundTrips = 1_000;
    private const long Fuzz = 4_000;

    [Fact]
    public void IntegrationFqn_RoundTripsThroughItsText() =>
        ReferenceGenerators.Integration.Sample(
            fqn => Assert.Equal(fqn, ReferenceParser.ParseIntegrationFqn(fqn.ToString(), Field)), iter: RoundTrips);

    [Fact]
    public void GroupFqn_RoundTripsThroughItsText() =>
        ReferenceGenerators.Group.Sample(
            fqn => Assert.Equal(fqn, ReferenceParser.ParseGroupFqn(fqn.ToString(), Field)), iter: RoundTrips);

    [Fact]
    public void SecretFqn_RoundTripsThroughItsText() =>
        ReferenceGenerators.Secret.Sample(
            fqn => Assert.Equal(fqn, ReferenceParser.ParseSecretFqn(fqn.ToString(), Field)), iter: RoundTrips);

    [Fact]
    public void EveryReferenceForm_RoundTripsThroughItsText() =>
        ReferenceGenerators.Reference.Sample(reference =>
        {
            Assert.Equal(reference, ReferenceParser.ParseReference(reference.ToString(), Field, ReferenceForms.All));
            Assert.Equal(reference, ReferenceParser.ParseReference(reference.ToString(), Field, reference.Form));
        }, iter: RoundTrips);

    [Fact]
    public void FormattingParts_GivesTheDocumentedText() =>
        Gen.Select(ReferenceGenerators.Name, ReferenceGenerators.Name, ReferenceGenerators.Key).Sample((tenant, group, key) =>
        {
            var text = $"tfy-secret://{tenant}:{group}:{key}";
            var secret = Assert.IsType<GroupKeyReference>(ReferenceParser.ParseReference(text, Field, ReferenceForms.All)).Secret;
            Assert.Equal((tenant, group, key), (secret.Tenant, secret.Group, secret.Key));
            Assert.Equal(text, secret.ToString());
        }, iter: RoundTrips);

    [Fact]
    public void ReferenceOfADisallowedForm_IsRefused() =>
        Gen.Select(ReferenceGenerators.Reference, ReferenceGenerators.Forms).Sample((reference, allowed) =>
        {
            var ok = ReferenceParser.TryParseReference(reference.ToString(), Field, allowed, out _, out var error);
            Assert.Equal(allowed.HasFlag(reference.Form), ok);
            Assert.Equal(ok, error is null);
        }, iter: RoundTrips);

    [Fact]
    public void MutatedText_EitherParsesCanonicallyOrFailsWithParseError()
    {
        var parsed = 0;
        var refused = 0;
        Gen.Select(ReferenceGenerators.MutatedValidText, ReferenceGenerators.Forms).Sample((input, allowed) =>
        {
            AssertTotal(input, allowed);
            _ = ReferenceParser.TryParseReference(input, Field, ReferenceForms.All, out _, out _)
                ? Interlocked.Increment(ref parsed)
                : Interlocked.Increment(ref refused);
        }, iter: Fuzz);

        // Guards against a vacuous property: mutations must land on both sides of the grammar.
        Assert.InRange(parsed, Fuzz / 20, Fuzz);
        Assert.InRange(refused, Fuzz / 5, Fuzz);
    }

    [Fact]
    public void ArbitraryText_EitherParsesCanonicallyOrFailsWithParseError() =>
        Gen.Select(ReferenceGenerators.AnyText, ReferenceGenerators.Forms).Sample(AssertTotal, iter: Fuzz);

    // Parse throws only ReferenceParseException, Try agrees with Parse and never throws, and whatever parses prints
    // back to exactly the input: the grammar has one spelling per value.
    private static void AssertTotal(string input, ReferenceForms allowed)
    {
        AssertAgrees(
            input,
            () => ReferenceParser.ParseReference(input, Field, allowed).ToString(),
            ReferenceParser.TryParseReference(input, Field, allowed, out var reference, out var error),
            reference?.ToString(),
            error);
        AssertAgrees(
            input,
            () => ReferenceParser.ParseIntegrationFqn(input, Field).ToString(),
            ReferenceParser.TryParseIntegrationFqn(input, Field, out var integration, out error),
            integration?.ToString(),
            error);
        AssertAgrees(
            input,
            () => ReferenceParser.ParseGroupFqn(input, Field).ToString(),
            ReferenceParser.TryParseGroupFqn(input, Field, out var group, out error),
            group?.ToString(),
            error);
        AssertAgrees(
            input,
            () => ReferenceParser.ParseSecretFqn(input, Field).ToString(),
            ReferenceParser.TryParseSecretFqn(input, Field, out var secret, out error),
            secret?.ToString(),
            error);
        _ = ReferenceParser.IsValidName(input);
        _ = ReferenceParser.IsValidSecretKey(input);
    }

    private static void AssertAgrees(string input, Func<string> parse, bool tried, string? triedText, string? triedError)
    {
        string? parsed;
        try
        {
            parsed = parse();
        }
        catch (ReferenceParseException exception)
        {
            Assert.False(tried);
            Assert.Equal(exception.Message, triedError);
            Assert.StartsWith(Field + ": ", exception.Message, StringComparison.Ordinal);
            Assert.True(exception.Message.Length < 600, "message too long: " + exception.Message.Length);
            return;
        }

        Assert.True(tried);
        Assert.Null(triedError);
        Assert.Equal(input, parsed);
        Assert.Equal(input, triedText);
    }
}
