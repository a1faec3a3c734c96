namespace AutoEncoders.Visualization;

/// <summary>What <see cref="ReportBuilder.Build"/> wrote.</summary>
/// <param name="ReportPath">The report.html.</param>
/// <param name="Pictures">Every PNG written, in report order.</param>
/// <param name="Skipped">Pictures left out, each with the reason shown in the report.</param>
public sealed record RunReport(string ReportPath, IReadOnlyList<PictureFile> Pictures, IReadOnlyList<(string Picture, string Reason)> Skipped);
