/**
 * A servlet (Spring MVC) application that calls CXone through {@code CxoneRestClient},
 * {@code CxoneWebClient} and a declarative HTTP interface in the {@code cxone} group.
 */
package io.github.cxonestarter.sample.servlet;
