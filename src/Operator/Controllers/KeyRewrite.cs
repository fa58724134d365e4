using System.Text.RegularExpressions;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>A compiled key-name rewrite of one dataFrom entry.</summary>
public sealed record KeyRewrite(Regex Source, string Target);
