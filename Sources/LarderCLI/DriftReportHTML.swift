import Foundation
import LarderMonitoring

/// `larder drift --html FILE`: one self-contained page — the verdicts as a table and, per feature, the reference and
/// current distributions side by side as inline SVG (numbers: 20 bins over both samples; categories: the 12 most
/// frequent). No script, no stylesheet or font from the network: it opens the same without a connection.
enum DriftReportHTML {
    static func render(title: String, drift: DatasetDrift, samples: [String: FeatureSamples]) -> String {
        var html = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}
        .drift{color:#b00020;font-weight:600}.ok{color:#1b5e20}.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}
        section{margin-top:2em}</style></head><body>
        <h1>\(escape(title))</h1>
        <p>Dataset: <b class="\(drift.datasetDrift ? "drift" : "ok")">\(escape(drift.status.rawValue))</b> —
        \(drift.numberOfDriftedColumns) of \(drift.numberOfColumns) tested features drifted (share \(String(format: "%.2f", drift.shareOfDriftedColumns)),
        threshold \(String(format: "%.2f", drift.driftShare))).</p>
        <table><tr><th>feature</th><th>test</th><th>score</th><th>threshold</th><th>drift</th><th>PSI</th><th>reference</th><th>current</th></tr>

        """
        for f in drift.driftByColumns {
            let verdict = f.status == .insufficientData ? "insufficient data" : (f.driftDetected == true ? "drift" : "no drift")
            html += "<tr><td>\(escape(f.columnName))</td><td>\(escape(f.stattestName ?? "-"))</td><td>\(f.driftScore.map { String(format: "%.6g", $0) } ?? "-")</td>"
            html += "<td>\(f.stattestThreshold.map { String(format: "%g", $0) } ?? "-")</td><td class=\"\(f.driftDetected == true ? "drift" : "ok")\">\(verdict)</td>"
            html += "<td>\(f.psi.map { String(format: "%.4f", $0) } ?? "-")</td><td>\(f.referenceSize)</td><td>\(f.currentSize)</td></tr>\n"
        }
        html += "</table>\n<p class=\"legend\"><span style=\"background:#5b8def\"></span>reference<span style=\"background:#f28e2b\"></span>current (share of each sample)</p>\n"
        for f in drift.driftByColumns {
            guard let sample = samples[f.columnName] else { continue }
            html += "<section><h2>\(escape(f.columnName))</h2>\n\(histogram(sample.cleaned()))</section>\n"
        }
        return html + "</body></html>\n"
    }

    /// Bars of both samples' shares per bin (numbers) or per category.
    static func histogram(_ samples: CleanFeatureSamples) -> String {
        var labels: [String] = [], reference: [Double] = [], current: [Double] = []
        switch samples {
        case .numerical(let r, let c):
            let pooled = r + c
            guard let low = pooled.min(), let high = pooled.max() else { return "<p>no values</p>" }
            let bins = 20, width = high > low ? (high - low) / Double(bins) : 1
            func shares(_ values: [Double]) -> [Double] {
                var counts = [Double](repeating: 0, count: bins)
                for v in values { counts[min(bins - 1, max(0, Int((v - low) / width)))] += 1 }
                return counts.map { values.isEmpty ? 0 : $0 / Double(values.count) }
            }
            reference = shares(r)
            current = shares(c)
            labels = (0..<bins).map { String(format: "%.4g", low + Double($0) * width) }
        case .categorical(let r, let c):
            var counts: [String: Int] = [:]
            for v in r + c { counts[v, default: 0] += 1 }
            labels = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(12).map(\.key)
            func shares(_ values: [String]) -> [Double] {
                let n = Double(max(values.count, 1))
                return labels.map { label in Double(values.lazy.filter { $0 == label }.count) / n }
            }
            reference = shares(r)
            current = shares(c)
        }
        let top = max(reference.max() ?? 0, current.max() ?? 0, 1e-12)
        let slot = 36.0, height = 160.0, chartWidth = slot * Double(labels.count) + 40
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(chartWidth))\" height=\"\(Int(height + 60))\" role=\"img\">"
        for (i, label) in labels.enumerated() {
            let x = 30 + Double(i) * slot
            for (k, share) in [reference[i], current[i]].enumerated() {
                let h = share / top * height
                svg += "<rect x=\"\(fmt(x + Double(k) * 15))\" y=\"\(fmt(height - h + 5))\" width=\"14\" height=\"\(fmt(h))\" fill=\"\(k == 0 ? "#5b8def" : "#f28e2b")\"><title>\(escape(label)): \(String(format: "%.3f", share))</title></rect>"
            }
            svg += "<text x=\"\(fmt(x))\" y=\"\(fmt(height + 20))\" font-size=\"9\" transform=\"rotate(35 \(fmt(x)) \(fmt(height + 20)))\">\(escape(label))</text>"
        }
        return svg + "</svg>"
    }

    private static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    /// Text as HTML: a feature or category named `<script>` stays text.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
