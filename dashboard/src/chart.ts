import { BarChart, LineChart } from "echarts/charts";
import { AriaComponent, DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";

/**
 * ECharts, the report's charting library, tree-shaken to what the dashboard draws (bars and lines
 * on a canvas). `aria` makes each chart describe itself to screen readers. The instance is
 * reachable as `window.echarts.getInstanceByDom(el)`, as in the report, so tests read what a chart
 * holds instead of its pixels.
 */
echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, AriaComponent, CanvasRenderer]);
(globalThis as { echarts?: typeof echarts }).echarts = echarts;

export type ChartOption = echarts.EChartsCoreOption;

export function Chart(props: { id: string; label: string; option: ChartOption; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const chart = echarts.getInstanceByDom(node) ?? echarts.init(node, null, { renderer: "canvas" });
    node.dataset.chartReady = "false";
    chart.on("finished", () => {
      node.dataset.chartReady = "true";
      // The end of each chart's first drawing (entry animation included) is a performance mark, read by bench/dashboard.
      const mark = `chart-ready:${props.id}`;
      if (performance.getEntriesByName(mark).length === 0) performance.mark(mark);
    });
    // No entry animation for people who asked their system for reduced motion.
    const animation = !matchMedia("(prefers-reduced-motion: reduce)").matches;
    chart.setOption({ aria: { enabled: true, label: { description: props.label } }, animation, ...props.option }, true);
    const onResize = () => chart.resize();
    addEventListener("resize", onResize);
    return () => {
      removeEventListener("resize", onResize);
      chart.off("finished");
    };
  }, [props.option, props.label]);
  useEffect(() => () => {
    const node = el.current;
    if (node) echarts.getInstanceByDom(node)?.dispose();
  }, []);
  return html`<div id=${props.id} ref=${el} class="chart" style=${{ height: `${props.height ?? 320}px` }}></div>`;
}
