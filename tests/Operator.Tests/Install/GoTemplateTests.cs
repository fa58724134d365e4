using Operator.Tests.Install.Helm;

namespace Operator.Tests.Install;

/// <summary>The test-only renderer against the semantics Go's text/template and Sprig document (examples from their docs).</summary>
public sealed class GoTemplateTests
{
    private static string Render(string template, object? data = null)
    {
        var templates = new GoTemplate();
        templates.Add("t", template);
        return templates.Execute("t", data);
    }

    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void TrimMarkers_RemoveTheWhitespaceOnTheirSide() => Assert.Equal("23<45", Render("{{23 -}} < {{- 45}}"));

    [Fact]
    public void Truthiness_FollowsGo_AndAndOrReturnAnOperand()
    {
        Assert.Equal("no", Render("{{ if .x }}yes{{ else }}no{{ end }}", Map(("x", ""))));
        Assert.Equal("no", Render("{{ if .x }}yes{{ else }}no{{ end }}", Map(("x", new List<object?>()))));
        Assert.Equal("b", Render("{{ if .a }}a{{ else if .b }}b{{ else }}c{{ end }}", Map(("a", 0.0), ("b", true))));
        Assert.Equal("x", Render("{{ or \"\" \"x\" }}"));
        Assert.Equal("0", Render("{{ and 1 0 2 }}"));
    }

    [Fact]
    public void WithAndRange_RebindTheDot_AndRangeOverAMapIsInKeyOrder()
    {
        Assert.Equal("v", Render("{{ with .a }}{{ .b }}{{ end }}", Map(("a", Map(("b", "v"))))));
        Assert.Equal("none", Render("{{ with .a }}x{{ else }}none{{ end }}", Map(("a", null))));
        Assert.Equal("1 2 ", Render("{{ range .l }}{{ . }} {{ end }}", Map(("l", new List<object?> { 1L, 2L }))));
        Assert.Equal("a=1;b=2;", Render("{{ range .m }}{{ . }};{{ end }}", Map(("m", Map(("b", "b=2"), ("a", "a=1"))))));
    }

    [Fact]
    public void MissingMapKey_PrintsNothing_ButAFieldOfNothingFails()
    {
        Assert.Equal("[]", Render("[{{ .nope }}]", Map()));
        Assert.Throws<TemplateException>(() => Render("{{ .nope.deeper }}", Map()));
    }

    [Fact]
    public void Comparisons_RefuseMixedKinds_AsGoDoes()
    {
        Assert.Equal("true", Render("{{ gt (int .n) 1 }}", Map(("n", 2.0))));
        Assert.Throws<TemplateException>(() => Render("{{ eq .n 1 }}", Map(("n", 1.0))));
    }

    [Fact]
    public void HelmNumbers_AreFloats_PrintedAsGoPrintsThem() =>
        Assert.Equal("8080 1e+06 1.5", Render("{{ .a }} {{ .b }} {{ .c }}", Map(("a", 8080.0), ("b", 1000000.0), ("c", 1.5))));

    [Fact]
    public void SprigFunctions_DoWhatSprigDocuments()
    {
        Assert.Equal("\"a\\\"b\"", Render("{{ \"a\\\"b\" | quote }}"));
        Assert.Equal("d", Render("{{ .x | default \"d\" }}", Map(("x", ""))));
        Assert.Equal("hello", Render("{{ \"hello-\" | trunc 6 | trimSuffix \"-\" }}"));
        Assert.Equal("a-b", Render("{{ printf \"%s-%s\" \"a\" \"b\" }}"));
        Assert.Equal("a,b", Render("{{ join \",\" .l }}", Map(("l", new List<object?> { "a", "b" }))));
        Assert.Equal("\n  a: 1\n  b: x", Render("{{ toYaml .m | nindent 2 }}", Map(("m", Map(("b", "x"), ("a", 1.0))))));
        Assert.Equal("needed", Assert.Throws<TemplateException>(() => Render("{{ required \"needed\" .x }}", Map())).Message);
        Assert.Equal("stop", Assert.Throws<TemplateException>(() => Render("{{ fail \"stop\" }}")).Message);
        Assert.Throws<TemplateException>(() => Render("{{ lower \"X\" }}"));
    }

    [Fact]
    public void DefineAndInclude_RenderANamedTemplate()
    {
        var templates = new GoTemplate();
        templates.Add("_helpers.tpl", "{{- define \"greet\" -}}\nhi {{ .name }}\n{{- end -}}");
        templates.Add("t", "[{{ include \"greet\" . | nindent 2 }}]");

        Assert.Equal("[\n  hi x]", templates.Execute("t", Map(("name", "x"))));
    }
}
