using Operator.References;

namespace Operator.Tests.References;

public sealed class ReferenceParserTests
{
    private const string Field = "spec.secrets[2].remoteRef";
    private const string Fqn = "my-tenant:aws:my-aws-provider:secret-store:aws-ssm";

    [Fact]
    public void ParsesIntegrationFqn_IntoItsParts()
    {
        var fqn = ReferenceParser.ParseIntegrationFqn(Fqn, "spec.integrationFqn");

        Assert.Equal(new IntegrationFqn("my-tenant", new Provider("aws"), "my-aws-provider", "aws-ssm"), fqn);
        Assert.Equal(Fqn, fqn.ToString());
    }

    [Theory]
    [InlineData("aws")]
    [InlineData("gcp")]
    [InlineData("azure")]
    [InlineData("hashicorp")]
    [InlineData("kubernetes")]
    public void MapsEveryProviderSegment_BothWays(string segment)
    {
        var provider = new Provider(segment);
        Assert.True(ProviderSegments.TryParse(segment, out var parsed));
        Assert.Equal(provider, parsed);
        Assert.Equal(segment, provider.ToSegment());
        Assert.Equal(provider, ReferenceParser.ParseIntegrationFqn($"t:{segment}:a:secret-store:n", "f").Provider);
    }

    [Fact]
    public void ParsesGroupFqn()
    {
        Assert.Equal(new GroupFqn("my-tenant", "openai-keys"), ReferenceParser.ParseGroupFqn("my-tenant:openai-keys", "f"));
    }

    [Fact]
    public void ParsesSecretFqn_AndExposesItsGroup()
    {
        var fqn = ReferenceParser.ParseSecretFqn("tfy-secret://my-tenant:openai-keys:OPENAI_API_KEY", "f");

        Assert.Equal(new SecretFqn("my-tenant", "openai-keys", "OPENAI_API_KEY"), fqn);
        Assert.Equal(new GroupFqn("my-tenant", "openai-keys"), fqn.GroupFqn);
        Assert.Equal("tfy-secret://my-tenant:openai-keys:OPENAI_API_KEY", fqn.ToString());
    }

    [Theory]
    [InlineData("tfy-secret://my-tenant:openai-keys:OPENAI_API_KEY", ReferenceForms.GroupKey)]
    [InlineData(Fqn + "::/tfy-secret/my-tenant/openai-keys/OPENAI_API_KEY", ReferenceForms.StorePath)]
    [InlineData("t:hashicorp:vault-prod:secret-store:vault::kv/data/app", ReferenceForms.StorePath)]
    [InlineData("t:aws:a:secret-store:n::/a::b://c", ReferenceForms.StorePath)]
    [InlineData("tfy-k8s-secret://AWS_ACCESS_KEY_ID", ReferenceForms.K8sSecret)]
    [InlineData("tfy-k8s-secret://a.b-c_d", ReferenceForms.K8sSecret)]
    [InlineData("tfy-secret:aws:secret-store:secret-store:tfy-k8s-secret::/p", ReferenceForms.StorePath)]
    [InlineData("tfy-k8s-secret:kubernetes:a:secret-store:b::x", ReferenceForms.StorePath)]
    [InlineData("tfy-secret://tfy-secret:tfy-k8s-secret:.a", ReferenceForms.GroupKey)]
    public void ParsesEachForm_AndPrintsItBackUnchanged(string input, ReferenceForms form)
    {
        var reference = ReferenceParser.ParseReference(input, Field, ReferenceForms.All);

        Assert.Equal(form, reference.Form);
        Assert.Equal(input, reference.ToString());
    }

    [Fact]
    public void StorePathReference_KeepsThePathOpaque()
    {
        var reference = Assert.IsType<StorePathReference>(
            ReferenceParser.ParseReference(Fqn + "::/legacy/db/password", Field, ReferenceForms.All));

        Assert.Equal("aws-ssm", reference.Integration.Name);
        Assert.Equal("/legacy/db/password", reference.Path);
    }

    [Theory]
    // surface
    [InlineData("", "spec.secrets[2].remoteRef: reference is empty")]
    [InlineData(" tfy-k8s-secret://A", "reference ' tfy-k8s-secret://A' has leading or trailing whitespace; remove it")]
    [InlineData("tfy-secret://t:g:k\n", "has leading or trailing whitespace")]
    // schemes
    [InlineData("TFY-SECRET://t:g:k", "reference must start with exactly 'tfy-secret://' (lowercase, two slashes), got 'TFY-SECRET://'")]
    [InlineData("tfy-secret:/t:g:k", "must start with exactly 'tfy-secret://'")]
    [InlineData("Tfy-K8s-Secret://A", "must start with exactly 'tfy-k8s-secret://'")]
    [InlineData("https://vault.example.com/x", "unknown scheme 'https://'; expected tfy-secret://<tenant>:<group>:<key>, <integration-fqn>::<path> or tfy-k8s-secret://<KEY>")]
    [InlineData("/legacy/db/password", "'/legacy/db/password' is not a reference; expected")]
    [InlineData(Fqn, "(add '::<path>' after the integration FQN)")]
    // form 1
    [InlineData("tfy-secret://t:g", "secret FQN must have 3 ':'-separated segments after 'tfy-secret://' <tenant>:<group>:<key>, got 2")]
    [InlineData("tfy-secret://T:g:k", "tenant 'T' must be a DNS-1123 label of lowercase letters, digits and '-': 'T' at position 1 is not allowed")]
    [InlineData("tfy-secret://t:g_x:k", "group name 'g_x' must be a DNS-1123 label")]
    [InlineData("tfy-secret://t:-g:k", "group name '-g' must start and end with a lowercase letter or digit")]
    [InlineData("tfy-secret://t::k", "group name is empty")]
    [InlineData("tfy-secret://t:g:A B", "key 'A B' may contain only letters, digits, '-', '_' and '.' (a space at position 2 is not allowed)")]
    [InlineData("tfy-secret://t:g:..", "key '..' must not be '.' or '..'")]
    [InlineData("tfy-secret://t:g:.", "key '.' must not be '.' or '..'")]
    [InlineData("tfy-secret://t:g:", "key is empty")]
    // form 2
    [InlineData("my-tenant:awz:acc:secret-store:n::/p", "provider segment 'awz' is not one of aws, gcp, azure, hashicorp, kubernetes")]
    [InlineData("t:aws:n::/p", "integration FQN must have 5 ':'-separated segments <tenant>:<provider>:<providerAccount>:secret-store:<name>, got 3")]
    [InlineData("t:aws:acc:secretstore:n::/p", "fourth segment of an integration FQN must be 'secret-store', got 'secretstore'")]
    [InlineData("t:aws:Acc:secret-store:n::/p", "provider account 'Acc' must be a DNS-1123 label")]
    [InlineData("t:aws:acc:secret-store:n.x::/p", "integration name 'n.x' must be a DNS-1123 label")]
    [InlineData("t:aws:acc:secret-store:n::", "path after '::' is empty")]
    [InlineData("t:aws:acc:secret-store:n::/a b", "path '/a b' may contain only printable ASCII without spaces: a space at position 3 is not allowed")]
    [InlineData("t:aws:acc:secret-store:n::/a\tb", "path '/a\\u0009b' may contain only printable ASCII without spaces: character U+0009 at position 3")]
    [InlineData("t:aws:acc:secret-store:n::/a/../b", "path '/a/../b' must not contain a '..' segment")]
    [InlineData("t:aws:acc:secret-store:n::..", "must not contain a '..' segment")]
    [InlineData("t:aws:acc:secret-store:n::é", "character U+00E9 at position 1 is not allowed")]
    // form 3
    [InlineData("tfy-k8s-secret://", "key is empty")]
    [InlineData("tfy-k8s-secret://../etc/passwd", "key '../etc/passwd' may contain only letters, digits, '-', '_' and '.' ('/' at position 3 is not allowed)")]
    [InlineData("tfy-k8s-secret://..data", "key '..data' must not start with '..'")]
    public void RefusesBadReferences_WithAMessageNamingFieldAndBadPart(string input, string fragment)
    {
        var exception = Assert.Throws<ReferenceParseException>(() => ReferenceParser.ParseReference(input, Field, ReferenceForms.All));

        Assert.Contains(fragment, exception.Message, StringComparison.Ordinal);
        Assert.StartsWith(Field + ": ", exception.Message, StringComparison.Ordinal);
        Assert.Equal(Field, exception.Field);
        Assert.Equal(exception.Message, $"{Field}: {exception.Problem}");
        Assert.False(ReferenceParser.TryParseReference(input, Field, ReferenceForms.All, out var reference, out var error));
        Assert.Null(reference);
        Assert.Equal(exception.Message, error);
    }

    [Fact]
    public void RefusesK8sSecretReferences_OutsideSecretStoreIntegrationFields()
    {
        var exception = Assert.Throws<ReferenceParseException>(() => ReferenceParser.ParseReference(
            "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY", Field, ReferenceForms.GroupKey | ReferenceForms.StorePath));

        Assert.Equal(
            "spec.secrets[2].remoteRef: tfy-k8s-secret:// references are only allowed in SecretStoreIntegration fields",
            exception.Message);
    }

    [Theory]
    [InlineData("tfy-secret://t:g:k", ReferenceForms.StorePath | ReferenceForms.K8sSecret,
        "tfy-secret:// references are not allowed in this field; use <integration-fqn>::<path> or tfy-k8s-secret://<KEY>")]
    [InlineData(Fqn + "::/p", ReferenceForms.K8sSecret,
        "<integration-fqn>::<path> references are not allowed in this field; use tfy-k8s-secret://<KEY>")]
    [InlineData("tfy-secret://t:g:k", ReferenceForms.None, "tfy-secret:// references are not allowed in this field")]
    [InlineData("/p", ReferenceForms.GroupKey, "'/p' is not a reference; expected tfy-secret://<tenant>:<group>:<key>")]
    public void RefusesFormsTheFieldDoesNotAllow(string input, ReferenceForms allowed, string fragment)
    {
        var exception = Assert.Throws<ReferenceParseException>(() => ReferenceParser.ParseReference(input, Field, allowed));

        Assert.Contains(fragment, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "spec.integrationFqn: integration FQN is empty")]
    [InlineData("my-tenant:aws:my-aws-provider", "spec.integrationFqn: integration FQN must have 5 ':'-separated segments <tenant>:<provider>:<providerAccount>:secret-store:<name>, got 3 in 'my-tenant:aws:my-aws-provider'")]
    [InlineData("t:awz:a:secret-store:n", "spec.integrationFqn: provider segment 'awz' is not one of aws, gcp, azure, hashicorp, kubernetes")]
    [InlineData("t:AWS:a:secret-store:n", "provider segment 'AWS' is not one of")]
    [InlineData("t::a:secret-store:n", "provider segment is empty; it must be one of aws, gcp, azure, hashicorp, kubernetes")]
    [InlineData("t:aws:a:secret-store:n::/p", "got 7")]
    public void RefusesBadIntegrationFqns(string input, string fragment)
    {
        var exception = Assert.Throws<ReferenceParseException>(() => ReferenceParser.ParseIntegrationFqn(input, "spec.integrationFqn"));

        Assert.Contains(fragment, exception.Message, StringComparison.Ordinal);
        Assert.False(ReferenceParser.TryParseIntegrationFqn(input, "spec.integrationFqn", out _, out var error));
        Assert.Equal(exception.Message, error);
    }

    [Theory]
    [InlineData("t", "group FQN must have 2 ':'-separated segments <tenant>:<group>, got 1 in 't'")]
    [InlineData("t:g:x", "got 3")]
    [InlineData("t:G", "group name 'G' must be a DNS-1123 label")]
    [InlineData(" t:g", "has leading or trailing whitespace")]
    public void RefusesBadGroupFqns(string input, string fragment)
    {
        var exception = Assert.Throws<ReferenceParseException>(() => ReferenceParser.ParseGroupFqn(input, "status.fqn"));

        Assert.Contains(fragment, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("t:g:k", "secret FQN 't:g:k' must start with 'tfy-secret://'")]
    [InlineData("tfy-k8s-secret://K", "secret FQN 'tfy-k8s-secret://K' must start with 'tfy-secret://'")]
    [InlineData("tfy-secret://t:g:k:x", "got 4")]
    public void RefusesBadSecretFqns(string input, string fragment)
    {
        var exception = Assert.Throws<ReferenceParseException>(() => ReferenceParser.ParseSecretFqn(input, "f"));

        Assert.Contains(fragment, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesNamesAndKeysOverTheirLengthLimits()
    {
        var longName = new string('a', 64);
        var longKey = new string('K', 254);

        Assert.True(ReferenceParser.IsValidName(new string('a', 63)));
        Assert.False(ReferenceParser.IsValidName(longName));
        Assert.True(ReferenceParser.IsValidSecretKey(new string('K', 253)));
        Assert.False(ReferenceParser.IsValidSecretKey(longKey));
        Assert.Contains("is 64 characters long; at most 63 are allowed",
            Assert.Throws<ReferenceParseException>(() => ReferenceParser.ParseGroupFqn($"t:{longName}", "f")).Message, StringComparison.Ordinal);
        Assert.Contains("is 254 characters long; at most 253 are allowed",
            Assert.Throws<ReferenceParseException>(() => ReferenceParser.ParseReference($"tfy-k8s-secret://{longKey}", "f", ReferenceForms.All)).Message, StringComparison.Ordinal);
        Assert.Contains("path is 2049 characters long; at most 2048 are allowed",
            Assert.Throws<ReferenceParseException>(() => ReferenceParser.ParseReference($"{Fqn}::{new string('p', 2049)}", "f", ReferenceForms.All)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatesEchoedInput_ToAboutAHundredCharacters()
    {
        var input = "/" + new string('x', 5000);

        var exception = Assert.Throws<ReferenceParseException>(() => ReferenceParser.ParseReference(input, Field, ReferenceForms.All));

        Assert.Contains("'/" + new string('x', 99) + "...'", exception.Message, StringComparison.Ordinal);
        Assert.True(exception.Message.Length < 400, exception.Message);
    }

    [Fact]
    public void TreatsNullInputAsEmpty_WithoutAnyOtherException()
    {
        var exception = Assert.Throws<ReferenceParseException>(() => ReferenceParser.ParseReference(null!, Field, ReferenceForms.All));

        Assert.Equal("spec.secrets[2].remoteRef: reference is empty", exception.Message);
        Assert.False(ReferenceParser.TryParseGroupFqn(null, "f", out _, out _));
        Assert.False(ReferenceParser.IsValidName(null));
        Assert.False(ReferenceParser.IsValidSecretKey(null));
    }

    [Fact]
    public void LeavesTheFieldPrefixOut_WhenNoFieldIsGiven()
    {
        var exception = Assert.Throws<ReferenceParseException>(() => ReferenceParser.ParseGroupFqn("x", ""));

        Assert.StartsWith("group FQN must have 2", exception.Message, StringComparison.Ordinal);
    }
}
